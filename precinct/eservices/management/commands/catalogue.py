import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from precinct.core.errors import DomainError
from precinct.eservices.catalogue import catalogue_export, catalogue_import


class Command(BaseCommand):
    help = "Import or export the procedure catalogue as JSON: `catalogue import FILE` / `catalogue export [FILE]`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("direction", choices=["import", "export"])
        parser.add_argument("path", nargs="?", default="-")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["direction"] == "export":
            text = json.dumps(catalogue_export(), ensure_ascii=False, indent=1)
            if options["path"] == "-":
                sys.stdout.write(text + "\n")
            else:
                Path(options["path"]).write_text(text, encoding="utf-8")
            return
        try:
            source = sys.stdin.read() if options["path"] == "-" else Path(options["path"]).read_text(encoding="utf-8")
            result = catalogue_import(actor=None, data=json.loads(source))
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read the catalogue: {exc}") from exc
        except DomainError as exc:
            raise CommandError(f"{exc.message}: {exc.fields}") from exc
        self.stdout.write(f"{result.fields} fields; {result.new_versions} new versions; {result.unchanged} unchanged.")
