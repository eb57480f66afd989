from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from precinct.devdata.residents import generate_residents


class Command(BaseCommand):
    help = "Fill the residence register with synthetic residents and planted flaws (COPY on PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="how many persons (1400000: Quảng Ninh)")
        parser.add_argument("--seed", type=int, default=None, help="random seed (repeatable figures)")
        parser.add_argument("--batch", type=int, default=50_000, help="persons per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = generate_residents(
                count=options["count"], seed=options["seed"], batch=options["batch"], progress=self.stdout.write
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        planted = ", ".join(f"{k} {v:,}" for k, v in sorted(result.planted.items()))
        self.stdout.write(
            f"{result.persons:,} residents, {result.households:,} households, {result.records:,} residence records "
            f"in {result.seconds} s; planted: {planted}."
        )
