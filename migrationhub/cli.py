"""`migrationhub`: the one command-line entry point.

migrationhub serve [--host 127.0.0.1] [--port 8000]
migrationhub migrate
migrationhub load-reference [--if-empty]
migrationhub load-demo [--if-empty]
migrationhub load-remittances [--if-empty]     (World Bank RPW quotes, corridor series, remittance flows)
migrationhub import PATH [--format json|csv] [--organisation SLUG --as EMAIL | --publish] [--dry-run]
migrationhub import-remittances PATH [--layout collector|rpw] [--source NAME] [--dry-run]
migrationhub export NAME FORMAT [--out PATH]     (NAME: a table, an app's package or all; FORMAT: csv|json|hxl|datapackage)
migrationhub createadmin EMAIL [--password ...]
migrationhub search-rebuild
migrationhub search-vectors [--all]            (sentence vectors for semantic search: the missing ones)
migrationhub request-reverification
migrationhub partnerships-refresh              (daily: status lights, scorecards, reminders)
migrationhub import-iati FILE [--as EMAIL] [--dry-run]
migrationhub export-iati [--output FILE]
migrationhub worker                            (run queued background work; start as many as needed)
migrationhub manage ARGS...                    (any Django management command)

`migrationhub COMMAND --help` explains a command.
"""

from __future__ import annotations

import argparse
import os
import sys

COMMANDS = {
    "migrate": ["core_migrate"],
    "load-reference": ["taxonomy_load"],
    "load-demo": ["partnerships_load_demo"],
    "load-remittances": ["remittances_load"],
    "import": ["knowledge_import"],
    "import-remittances": ["remittances_import"],
    "export": ["core_export"],
    "createadmin": ["accounts_createadmin"],
    "search-rebuild": ["search_rebuild"],
    "search-vectors": ["search_vectors"],
    "request-reverification": ["knowledge_request_reverification"],
    "partnerships-refresh": ["partnerships_refresh"],
    "import-iati": ["partnerships_import_iati"],
    "export-iati": ["partnerships_export_iati"],
    "worker": ["db_worker"],
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migrationhub.settings.dev")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    name, rest = argv[0], argv[1:]
    if name == "serve":
        serve(rest)
        return
    from django.core.management import execute_from_command_line

    if name == "manage":
        execute_from_command_line(["migrationhub manage", *rest])
        return
    if name not in COMMANDS:
        print(f"migrationhub: unknown command {name!r}\n{__doc__}", file=sys.stderr)
        raise SystemExit(2)
    _ensure_data_dir()
    internal, *fixed = COMMANDS[name]
    _run(internal, name, [*fixed, *rest])


def _run(internal: str, public: str, args: list[str]) -> None:
    """Run management command `internal` under its public name, so that its usage line and
    errors say `migrationhub import …`, not `migrationhub knowledge_import …`."""
    from django.core.management import get_commands, load_command_class

    command = load_command_class(get_commands()[internal], internal)
    command.run_from_argv(["migrationhub", public, *args])


def serve(args: list[str]) -> None:
    """Serve the site with Django's server (development; gunicorn in production)."""
    parser = argparse.ArgumentParser(
        prog="migrationhub serve",
        description="Serve MigrationHub on this machine (Django's development server; in "
        "production run gunicorn migrationhub.wsgi).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", default="8000", help="port to listen on (8000)")
    options = parser.parse_args(args)
    _ensure_data_dir()
    _run("runserver", "serve", ["--noreload", f"{options.host}:{options.port}"])


def _ensure_data_dir() -> None:
    import django
    from django.conf import settings

    django.setup()
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)


if __name__ == "__main__":
    main()
