"""Two app instances and a worker on shared PostgreSQL and Redis; one instance is killed mid-run.

What a deployment of several app servers must show: the shared state (database, sessions, the
page cache's generations, rate limits, the task queue) lives outside the instances, so losing one
loses nothing. Two gunicorn instances (different ports, 2 sync workers each, production settings)
and one `migrationhub worker` share a throwaway PostgreSQL database and Redis (REDIS_URL). Client
threads read (practice search pages, the API) and write (`POST /api/v1/practices/`, through
either instance) while signed-in people, who signed in on the first instance, ask to join
organisations (a page form whose e-mail to the organisation's admins the worker sends) and read
their account page on the second. Halfway, the first instance gets `kill -9`.

Checked at the end, and printed: every write acknowledged with 201 is in the database; no write
answered 201 twice for one request; the signed-in sessions made on the killed instance still work
on the other one; every queued task was run by the worker; a practice published during the run
appears on both instances' cached lists. Exit 1 if anything is lost.

    .venv/bin/python bench/instances_bench.py [--clients 12] [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
DATABASE = "migrationhub_instances_bench"
POSTGRES = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
REDIS = "redis://127.0.0.1:6379/14"
PASSWORD = "a long bench passphrase"  # noqa: S105 - throwaway accounts of a throwaway database

SETUP = """
import json, sys
import django
django.setup()
from allauth.account.models import EmailAddress
from migrationhub.accounts.services import api_token_create, user_create
from migrationhub.organisations.services import OrganisationFields, organisation_create
out = []
for i in range(int(sys.argv[1])):
    email = f"member{i}@example.org"
    user = user_create(email=email, password=sys.argv[2])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    org = organisation_create(
        actor=user,
        fields=OrganisationFields(
            name=f"Instance client {i}", stakeholder_type="civil-society", level="national"
        ),
    )
    out.append({"email": email, "key": api_token_create(user=user, name="bench")[1],
                "organisation": org.slug})
print(json.dumps(out))
"""

CHECK = """
import json, sys
import django
django.setup()
from django_tasks_db.models import DBTaskResult
from migrationhub.knowledge.models import Practice
wanted = set(json.loads(sys.stdin.read()))
found = set(Practice.objects.filter(slug__in=wanted).values_list("slug", flat=True))
print(json.dumps({
    "missing": sorted(wanted - found),
    "tasks": dict(Counter(DBTaskResult.objects.values_list("status", flat=True))),
}))
""".replace("import json, sys", "import json, sys\nfrom collections import Counter")

PUBLISH = """
import django
django.setup()
from migrationhub.knowledge.services import CuratedPractice, PracticeFields, practices_import_published
practices_import_published(actor=None, records=[CuratedPractice(fields=PracticeFields(
    title="Mid-run publication on fair recruitment", summary="Published while an instance died.",
    body="Checked on both instances.", objectives=[6], levels=["national"]))])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pages_bench_server",
        "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT)]),
        "MIGRATIONHUB_SECRET_KEY": "instances-bench-" + "k" * 60,
        "MIGRATIONHUB_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MIGRATIONHUB_TRUSTED_PROXIES": "1",
        "MIGRATIONHUB_DATA_DIR": str(data_dir),
        "MIGRATIONHUB_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MIGRATIONHUB_EMAIL_VERIFICATION": "none",
        "MIGRATIONHUB_API_ANON_RATE": "100000/m",
        "MIGRATIONHUB_API_USER_RATE": "100000/m",
        "MIGRATIONHUB_LOG_LEVEL": "WARNING",
        "DATABASE_URL": POSTGRES,
        "REDIS_URL": os.environ.get("REDIS_URL", REDIS),
    }
    env.pop("MIGRATIONHUB_PAGE_CACHE", None)
    return env


def run(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    result = subprocess.run(
        args, env=env, capture_output=True, text=True, cwd=ROOT, check=False, input=stdin
    )
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def start(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "migrationhub.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: kill -9 takes master and workers
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            requests.get(base + "/", timeout=2, headers={"X-Forwarded-Proto": "https"})
            return server, base
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


class Browser(requests.Session):
    """A signed-in person. Production cookies are `Secure` and the loopback speaks plain HTTP
    behind a pretend TLS proxy, so the cookies are sent by hand, as a browser on HTTPS would."""

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        headers = {
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{c.name}={c.value}" for c in self.cookies),
            "Referer": "https://" + url.split("://", 1)[1],
            **kwargs.pop("headers", {}),
        }
        return super().request(method, url, *args, headers=headers, **kwargs)


def _token(page: requests.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def sign_in(base: str, email: str) -> Browser:
    session = Browser()
    token = _token(session.get(base + "/accounts/login/", timeout=30))
    response = session.post(
        base + "/accounts/login/",
        data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        timeout=30,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"sign-in failed: {response.status_code}")
    return session


def ask_to_join(session: Browser, base: str, slug: str) -> int:
    token = _token(session.get(f"{base}/organisations/{slug}/", timeout=30))
    return session.post(
        f"{base}/organisations/{slug}/join/",
        data={"csrfmiddlewaretoken": token, "message": "May I join?"},
        timeout=30,
        allow_redirects=False,
    ).status_code


class Client(threading.Thread):
    def __init__(self, n: int, bases: list[str], auth: dict, stop: threading.Event):
        super().__init__(daemon=True)
        self.n, self.bases, self.auth, self.stop = n, bases, auth, stop
        self.http = requests.Session()
        self.http.headers.update(
            {"X-Forwarded-Proto": "https", "X-Forwarded-For": f"198.51.100.{n + 1}"}
        )
        self.statuses: Counter[str] = Counter()
        self.acknowledged: list[str] = []
        self.i = 0

    def call(self, method: str, path: str, **kwargs) -> requests.Response | None:
        base = self.bases[self.i % len(self.bases)]
        self.i += 1
        try:
            response = self.http.request(method, base + path, timeout=30, **kwargs)
        except requests.RequestException:
            self.statuses["no answer (instance down)"] += 1
            return None
        self.statuses[str(response.status_code)] += 1
        return response

    def run(self) -> None:
        while not self.stop.is_set():
            self.call("GET", "/practices/?q=recruitment")
            self.call("GET", "/api/v1/practices/?q=recruitment")
            response = self.call(
                "POST",
                "/api/v1/practices/",
                json={
                    "organisation": self.auth["organisation"],
                    "title": f"Instance draft {self.n}-{self.i}",
                    "summary": "Written while an instance may die.",
                    "objectives": [21],
                    "levels": ["local"],
                },
                headers={"Authorization": f"Bearer {self.auth['key']}"},
            )
            if response is not None and response.status_code == 201:
                self.acknowledged.append(response.json()["slug"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="instances-bench-"))
    env = environment(data_dir)
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE])
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    subprocess.run(
        ["redis-cli", "-u", env["REDIS_URL"], "flushdb"], check=True, capture_output=True
    )
    servers: list[subprocess.Popen] = []
    worker = None
    try:
        cli = str(BIN / "migrationhub")
        for step in (["migrate"], ["load-reference"], ["load-demo"]):
            run([cli, *step], env)
        run([cli, "manage", "collectstatic", "--no-input", "-v", "0"], env)
        users = json.loads(
            run([str(BIN / "python"), "-c", SETUP, str(args.clients + 4), PASSWORD], env)
        )
        first, a = start(env)
        second, b = start(env)
        servers = [first, second]
        worker = subprocess.Popen(
            [cli, "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # Signed in on the first instance: sessions live in the database, not in the instance.
        people = users[args.clients :]
        sessions = [sign_in(a, p["email"]) for p in people]
        joins = [ask_to_join(s, a, users[k]["organisation"]) for k, s in enumerate(sessions)]
        # Both lists cached on both instances before the publication.
        for base in (a, b):
            requests.get(base + "/practices/", headers={"X-Forwarded-Proto": "https"}, timeout=30)
        stop = threading.Event()
        clients = [Client(n, [a, b], users[n], stop) for n in range(args.clients)]
        for c in clients:
            c.start()
        time.sleep(args.seconds / 2)
        os.killpg(first.pid, signal.SIGKILL)  # kill -9: master and workers, mid-request
        killed_at = time.perf_counter()
        run([str(BIN / "python"), "-c", PUBLISH], env)
        time.sleep(args.seconds / 2)
        stop.set()
        for c in clients:
            c.join(timeout=60)
        after_kill = [s.get(b + "/account/", timeout=30, allow_redirects=False) for s in sessions]
        sessions_ok = sum(
            1
            for response, person in zip(after_kill, people, strict=True)
            if response.status_code == 200 and person["email"] in response.text
        )
        listed = (
            b"Mid-run publication"
            in requests.get(
                b + "/practices/", headers={"X-Forwarded-Proto": "https"}, timeout=30
            ).content
        )
        deadline = time.perf_counter() + 60
        acknowledged = [slug for c in clients for slug in c.acknowledged]
        while True:
            check = json.loads(
                run([str(BIN / "python"), "-c", CHECK], env, stdin=json.dumps(acknowledged))
            )
            pending = {k: v for k, v in check["tasks"].items() if k in {"READY", "RUNNING"}}
            if not pending or time.perf_counter() > deadline:
                break
            time.sleep(1)
    finally:
        for server in servers:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=30)
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE])
    statuses: Counter[str] = Counter()
    for c in clients:
        statuses.update(c.statuses)
    duplicates = len(acknowledged) - len(set(acknowledged))
    rows = {
        "clients x seconds": f"{args.clients} x {args.seconds} (first instance killed at "
        f"{args.seconds / 2:.0f} s)",
        "answers by status": ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())),
        "writes acknowledged (201)": len(acknowledged),
        "acknowledged writes missing from the database": len(check["missing"]),
        "acknowledged twice": duplicates,
        "join requests made on the killed instance": f"{joins.count(302)} of {len(joins)} (302)",
        "sessions made on the killed instance, working on the other": f"{sessions_ok} of "
        f"{len(sessions)}",
        "queued tasks by status at the end": json.dumps(check["tasks"]),
        "practice published after the kill, on the survivor's cached list": "yes"
        if listed
        else "NO",
    }
    print("\ntwo gunicorn instances (2 sync workers each) + 1 worker, PostgreSQL + Redis\n")
    print("| figure | value |\n| --- | --- |")
    for key, value in rows.items():
        print(f"| {key} | {value} |")
    del killed_at
    lost = (
        check["missing"]
        or duplicates
        or sessions_ok != len(sessions)
        or not listed
        or set(check["tasks"]) - {"SUCCESSFUL"}
    )
    if lost:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
