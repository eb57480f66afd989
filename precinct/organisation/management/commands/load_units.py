from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from precinct.core.errors import DomainError
from precinct.organisation.services import province_units_load


class Command(BaseCommand):
    help = "Load a province's police units (province, departments, one per ward/commune/special zone)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", type=int, required=True, help="Province code, e.g. 22 for Quảng Ninh")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = province_units_load(actor=None, province_code=options["province"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        total = result.root.__class__.objects.filter(path__startswith=result.root.path).count()
        self.stdout.write(f"{result.root.name}: {total} units ({result.created} created, {result.updated} updated).")
