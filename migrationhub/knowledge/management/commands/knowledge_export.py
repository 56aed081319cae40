from pathlib import Path

from django.core.management.base import CommandError

from migrationhub.core.management.base import MigrationhubCommand
from migrationhub.knowledge import exports


class Command(MigrationhubCommand):
    help = (
        "Export the open data: every published practice and every organisation as CSV, JSON, "
        "HXL-tagged CSV or a Frictionless data package. Writes to stdout without --out; KIND all "
        "writes one file per table into the --out directory; a data package (always both tables, "
        "KIND all) needs --out. With --dry-run, builds the export and writes nothing."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("kind", choices=["practices", "organisations", "all"])
        parser.add_argument("format", choices=[*exports.TEXT_FORMATS, "datapackage"])
        parser.add_argument(
            "--out", help="file to write; a directory for KIND all; stdout if omitted"
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="public address of the site (e.g. https://migrationhub.example.org) for the "
            "url column; site-relative paths if omitted",
        )

    def run(self, *args, **options):
        kind, fmt, out = options["kind"], options["format"], options["out"]
        base_url, dry_run = options["base_url"], options["dry_run"]
        if fmt == "datapackage":
            if kind != "all":
                raise CommandError(
                    "a data package holds both tables: use `export all datapackage --out PATH`"
                )
            if not out:
                raise CommandError("a data package is a zip file: give --out PATH")
            content = exports.datapackage_zip(base_url=base_url)
            return self._write(Path(out), content, dry_run)
        if kind == "all":
            if not out:
                raise CommandError("KIND all writes one file per table: give --out DIRECTORY")
            directory = Path(out)
            if not dry_run:
                directory.mkdir(parents=True, exist_ok=True)
            written = [
                self._write(
                    directory / exports.TABLES[name].filename(fmt),
                    exports.export_text(name, fmt, base_url=base_url),
                    dry_run,
                )
                for name in exports.KINDS
            ]
            return "\n".join(written)
        content = exports.export_text(kind, fmt, base_url=base_url)
        if out:
            return self._write(Path(out), content, dry_run)
        if not dry_run:
            self.stdout.write(content, ending="")
        return None

    def _write(self, path: Path, content: str | bytes, dry_run: bool) -> str:
        data = content.encode("utf-8") if isinstance(content, str) else content
        if dry_run:
            return f"would write {path} ({len(data)} bytes)"
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}") from exc
        return f"wrote {path} ({len(data)} bytes)"
