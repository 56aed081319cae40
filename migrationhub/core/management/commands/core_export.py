from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from migrationhub.core import open_data
from migrationhub.core.management.base import MigrationhubCommand


class Command(MigrationhubCommand):
    help = (
        "Export open data: NAME is a table (practices, organisations, remittances-corridors, …), "
        "an app's package (knowledge, organisations, remittances, …) or all. FORMAT csv, json or "
        "hxl writes a table to stdout or --out, or a package's tables into the --out directory "
        "(one file each); FORMAT datapackage writes a package as a Frictionless zip to --out. "
        "With --dry-run, builds the export and writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        registry = open_data.registry()
        names = sorted({*registry.tables, *registry.packages})
        parser.add_argument("name", choices=names, metavar="NAME", help=", ".join(names))
        parser.add_argument("format", choices=[*open_data.FORMATS, "datapackage"])
        parser.add_argument(
            "--out", help="file to write; a directory for a package's tables; stdout if omitted"
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="public address of the site (e.g. https://migrationhub.example.org) for the "
            "url column; site-relative paths if omitted",
        )

    def run(self, *args: Any, **options: Any) -> str | None:
        name, fmt, out = options["name"], options["format"], options["out"]
        base_url, dry_run = options["base_url"], options["dry_run"]
        registry = open_data.registry()
        if fmt == "datapackage":
            if name not in registry.packages:
                raise CommandError(
                    f"{name!r} is a table; a data package is one of: {', '.join(registry.packages)}"
                )
            if not out:
                raise CommandError("a data package is a zip file: give --out PATH")
            package = open_data.datapackage_zip(name, base_url=base_url)
            return self._write(Path(out), package, dry_run)
        if name in registry.tables:
            text = open_data.export_text(name, fmt, base_url=base_url)
            if out:
                return self._write(Path(out), text, dry_run)
            if not dry_run:
                self.stdout.write(text, ending="")
            return None
        if not out:
            raise CommandError(f"{name!r} is a package of tables: give --out DIRECTORY")
        directory = Path(out)
        if not dry_run:
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CommandError(f"cannot create {directory}: {exc.strerror}") from exc
        return "\n".join(
            self._write(
                directory / open_data.table(table).filename(fmt),
                open_data.export_text(table, fmt, base_url=base_url),
                dry_run,
            )
            for table in registry.packages[name].tables
        )

    def _write(self, path: Path, content: str | bytes, dry_run: bool) -> str:
        data = content.encode("utf-8") if isinstance(content, str) else content
        if dry_run:
            return f"would write {path} ({len(data)} bytes)"
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}") from exc
        return f"wrote {path} ({len(data)} bytes)"
