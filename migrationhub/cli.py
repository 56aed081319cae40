"""`migrationhub`: the one command-line entry point.

migrationhub serve [--host 127.0.0.1] [--port 8000]
migrationhub migrate
migrationhub load-reference [--if-empty]
migrationhub load-demo [--if-empty]
migrationhub load-remittances [--if-empty]     (World Bank RPW quotes, corridor series, remittance flows)
migrationhub import PATH [--format json|csv] [--organisation SLUG --as EMAIL | --publish] [--dry-run]
migrationhub export KIND FORMAT [--out PATH]     (KIND: practices|organisations|all; FORMAT: csv|json|hxl|datapackage)
migrationhub createadmin EMAIL [--password ...]
migrationhub search-rebuild
migrationhub request-reverification
migrationhub worker                            (run queued background work; start as many as needed)
migrationhub manage ARGS...                    (any Django management command)
"""

import os
import sys

COMMANDS = {
    "migrate": ["migrate", "--no-input"],
    "load-reference": ["taxonomy_load"],
    "load-demo": ["knowledge_load_demo"],
    "load-remittances": ["remittances_load"],
    "import": ["knowledge_import"],
    "export": ["knowledge_export"],
    "createadmin": ["accounts_createadmin"],
    "search-rebuild": ["search_rebuild"],
    "request-reverification": ["knowledge_request_reverification"],
    "worker": ["db_worker"],
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migrationhub.settings.dev")
    from django.core.management import execute_from_command_line

    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    name, rest = argv[0], argv[1:]
    if name == "serve":
        host, port = "127.0.0.1", "8000"
        if "--host" in rest:
            host = rest[rest.index("--host") + 1]
        if "--port" in rest:
            port = rest[rest.index("--port") + 1]
        _ensure_data_dir()
        execute_from_command_line(["migrationhub", "runserver", "--noreload", f"{host}:{port}"])
        return
    if name == "manage":
        execute_from_command_line(["migrationhub", *rest])
        return
    if name not in COMMANDS:
        print(f"migrationhub: unknown command {name!r}\n{__doc__}", file=sys.stderr)
        raise SystemExit(2)
    _ensure_data_dir()
    execute_from_command_line(["migrationhub", *COMMANDS[name], *rest])


def _ensure_data_dir() -> None:
    import django
    from django.conf import settings

    django.setup()
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)


if __name__ == "__main__":
    main()
