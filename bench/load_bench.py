"""Load under abuse: 50 clients reading and writing for 60 s while an import runs; 0 server errors.

The hardening issue's "done when": production settings, gunicorn with several sync workers, on
the embedded SQLite and on PostgreSQL. Each client is a thread with its own address (sent as
`X-Forwarded-For` through one trusted proxy, `MIGRATIONHUB_TRUSTED_PROXIES=1`, as nginx would) and
its own API token; it loops over a weighted mix: the home page, practice search pages, the
directory, the API search, a practice created by API, that practice edited, a failed sign-in.
Meanwhile `migrationhub import` publishes a file of curated practices, all or nothing.

Printed per database: requests, requests per second, statuses (2xx, 3xx, 4xx, 429, 503, other
5xx), p50/p95/p99 latency of reads and writes, and the import's duration and outcome. The
benchmark fails (exit 1) on any 5xx other than 503: a 503 carries `Retry-After` and means a
writer waited its bounded time for a lock (SQLite's busy_timeout) and wrote nothing.

    .venv/bin/python bench/load_bench.py [--clients 50] [--seconds 60] [--workers 4]
        [--import-rows 3000] [--database sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
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
BIN = Path(sys.executable).parent
POSTGRES = "postgres://postgres@127.0.0.1:5432/migrationhub_load_bench"
PASSWORD = "a long bench passphrase"  # noqa: S105 - throwaway accounts of a throwaway database
QUERIES = [
    "recruitment",
    "remittances",
    "diaspora",
    "data",
    "return",
    "women",
    "children",
    "skills",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(database: str, data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "migrationhub.settings.prod",
        "MIGRATIONHUB_SECRET_KEY": "load-bench-" + "k" * 60,
        "MIGRATIONHUB_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MIGRATIONHUB_TRUSTED_PROXIES": "1",
        "MIGRATIONHUB_DATA_DIR": str(data_dir),
        "MIGRATIONHUB_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MIGRATIONHUB_EMAIL_VERIFICATION": "none",
        # What is measured is errors under load, not the throttle: every client is under it.
        "MIGRATIONHUB_API_ANON_RATE": "100000/m",
        "MIGRATIONHUB_API_USER_RATE": "100000/m",
        "MIGRATIONHUB_LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    if database == "postgres":
        env["DATABASE_URL"] = POSTGRES
    else:
        env.pop("DATABASE_URL", None)
    return env


def run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


SETUP = """
import json, sys
import django
django.setup()
from allauth.account.models import EmailAddress
from migrationhub.accounts.services import api_token_create, user_create
from migrationhub.organisations.services import OrganisationFields, organisation_create
keys = []
for i in range(int(sys.argv[1])):
    email = f"client{i}@example.org"
    user = user_create(email=email, password=sys.argv[2])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    org = organisation_create(
        actor=user,
        fields=OrganisationFields(
            name=f"Load client {i}", stakeholder_type="civil-society", level="national"
        ),
    )
    keys.append({"key": api_token_create(user=user, name="bench")[1], "organisation": org.slug})
print(json.dumps(keys))
"""


def drop_database(*, check: bool) -> None:
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "migrationhub_load_bench"],
        check=check,
    )


def prepare(database: str, data_dir: Path, clients: int, rows: int) -> tuple[dict, list, Path]:
    env = environment(database, data_dir)
    if database == "postgres":
        drop_database(check=True)
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", "migrationhub_load_bench"], check=True
        )
    cli = str(BIN / "migrationhub")
    run([cli, "migrate"], env)
    run([cli, "load-reference"], env)
    run([cli, "load-demo"], env)
    run([cli, "manage", "collectstatic", "--no-input", "-v", "0"], env)
    keys = json.loads(run([str(BIN / "python"), "-c", SETUP, str(clients), PASSWORD], env))
    records = [
        {
            "title": f"Bench imported practice {n} on fair recruitment",
            "summary": "Employers, recruiters and unions agree a code of conduct.",
            "body": "A complaints line, audits and zero fees for workers. " * 20,
            "objectives": [6, 22],
            "levels": ["national"],
            "countries": ["PHL", "QAT"],
        }
        for n in range(rows)
    ]
    source = data_dir / "import.json"
    source.write_text(json.dumps(records), encoding="utf-8")
    return env, keys, source


class Client(threading.Thread):
    """One person: an address, a token, an organisation; reads and writes until told to stop."""

    def __init__(self, n: int, base: str, auth: dict, stop: threading.Event):
        super().__init__(daemon=True)
        self.base, self.stop, self.n = base, stop, n
        self.session = requests.Session()
        self.session.headers.update(
            {"X-Forwarded-For": f"198.51.{n // 250}.{n % 250 + 1}", "X-Forwarded-Proto": "https"}
        )
        self.token = {"Authorization": f"Bearer {auth['key']}"}
        self.organisation = auth["organisation"]
        self.statuses: Counter[int] = Counter()
        self.reads: list[float] = []
        self.writes: list[float] = []
        self.mine: list[str] = []
        self.random = random.Random(n)

    def request(
        self, method: str, path: str, *, write: bool = False, **kwargs
    ) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = self.session.request(method, self.base + path, timeout=30, **kwargs)
        except requests.RequestException:
            self.statuses[0] += 1  # no answer at all counts as an error
            return None
        (self.writes if write else self.reads).append(time.perf_counter() - started)
        self.statuses[response.status_code] += 1
        return response

    def act(self) -> None:
        q = self.random.choice(QUERIES)
        roll = self.random.random()
        if roll < 0.15:
            self.request("GET", "/")
        elif roll < 0.40:
            self.request("GET", f"/practices/?q={q}")
        elif roll < 0.50:
            self.request("GET", "/organisations/?stakeholder_type=civil-society")
        elif roll < 0.70:
            self.request("GET", f"/api/v1/practices/?q={q}&objective=6")
        elif roll < 0.85:
            body = {
                "organisation": self.organisation,
                "title": "Safe return and reintegration",
                "summary": f"Client {self.n} drafts a practice.",
                "body": "Counselling, grants and follow-up for returnees.",
                "objectives": [21],
                "levels": ["local"],
            }
            response = self.request(
                "POST", "/api/v1/practices/", write=True, json=body, headers=self.token
            )
            if response is not None and response.status_code == 201:
                self.mine.append(response.json()["slug"])
        elif roll < 0.95 and self.mine:
            slug = self.random.choice(self.mine)
            self.request(
                "PATCH",
                f"/api/v1/practices/{slug}",
                write=True,
                json={"results": f"Updated at {time.time()}"},
                headers=self.token,
            )
        else:
            self.request(
                "POST",
                "/accounts/login/",
                write=True,
                data={"login": f"client{self.n}@example.org", "password": "not the password"},
            )

    def run(self) -> None:
        while not self.stop.is_set():
            self.act()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] * 1000


def measure(database: str, args: argparse.Namespace) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"load-bench-{database}-"))
    try:
        env, keys, source = prepare(database, data_dir, args.clients, args.import_rows)
        port = free_port()
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "migrationhub.wsgi",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(base + "/", timeout=2, headers={"X-Forwarded-Proto": "https"})
                break
            except requests.RequestException:
                time.sleep(0.2)
        stop = threading.Event()
        clients = [Client(n, base, keys[n], stop) for n in range(args.clients)]
        for c in clients:
            c.start()
        time.sleep(2)  # clients running before the import starts
        started = time.perf_counter()
        imported = subprocess.run(
            [str(BIN / "migrationhub"), "import", str(source), "--publish"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        import_seconds = time.perf_counter() - started
        remaining = args.seconds - (time.perf_counter() - started) - 2
        if remaining > 0:
            time.sleep(remaining)
        stop.set()
        for c in clients:
            c.join(timeout=60)
        server.terminate()
        server.wait(timeout=30)
        statuses: Counter[int] = Counter()
        reads, writes = [], []
        for c in clients:
            statuses.update(c.statuses)
            reads += c.reads
            writes += c.writes
        total = sum(statuses.values())
        return {
            "database": database,
            "requests": total,
            "per_second": total / args.seconds,
            "2xx": sum(n for s, n in statuses.items() if 200 <= s < 300),
            "3xx": sum(n for s, n in statuses.items() if 300 <= s < 400),
            "4xx (not 429)": sum(n for s, n in statuses.items() if 400 <= s < 500 and s != 429),
            "429": statuses[429],
            "503": statuses[503],
            "server errors": sum(n for s, n in statuses.items() if s >= 500 and s != 503)
            + statuses[0],
            "read p50/p95/p99 ms": f"{percentile(reads, 50):.0f} / {percentile(reads, 95):.0f} / {percentile(reads, 99):.0f}",
            "write p50/p95/p99 ms": f"{percentile(writes, 50):.0f} / {percentile(writes, 95):.0f} / {percentile(writes, 99):.0f}",
            "import": f"{args.import_rows} rows in {import_seconds:.1f} s, "
            + ("ok" if imported.returncode == 0 else "FAILED: " + imported.stderr[-300:]),
        }
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if database == "postgres":
            drop_database(check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--import-rows", type=int, default=3000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = [measure(db, args) for db in databases]
    keys = [k for k in results[0] if k != "database"]
    print(
        f"\n{args.clients} clients x {args.seconds} s, gunicorn {args.workers} sync workers, "
        f"production settings, one {args.import_rows}-row import running\n"
    )
    print("| figure | " + " | ".join(r["database"] for r in results) + " |")
    print("| --- |" + " --- |" * len(results))
    for key in keys:
        cells = [f"{r[key]:.1f}" if isinstance(r[key], float) else str(r[key]) for r in results]
        print(f"| {key} | " + " | ".join(cells) + " |")
    if any(r["server errors"] for r in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
