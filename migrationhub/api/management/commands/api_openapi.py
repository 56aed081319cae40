from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from migrationhub.api import openapi_document


class Command(BaseCommand):
    help = "Print the OpenAPI document, or --write it to docs/reference/openapi.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        document = openapi_document.current()
        if options["write"]:
            openapi_document.DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
            openapi_document.DOCUMENT.write_text(document, encoding="utf-8")
            self.stdout.write(f"wrote {openapi_document.DOCUMENT}")
        else:
            self.stdout.write(document)
