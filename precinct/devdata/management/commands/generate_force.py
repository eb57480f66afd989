from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from precinct.devdata.personnel import generate_force


class Command(BaseCommand):
    help = (
        "Generate a force for benchmarks: every province's units, officers with careers (precinct.devdata.personnel)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--officers", type=int, default=100_000)
        parser.add_argument("--years", type=int, default=20)
        parser.add_argument("--province-officers", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        generate_force(
            officers=options["officers"],
            years=options["years"],
            province_officers=options["province_officers"],
            stdout=self.stdout,
        )
