"""Unit key pairs for crime reports: `list`, `create` (units without one), `rotate --unit CODE | --all`.

Private keys are written to settings.PRECINCT_TIPS_KEY_DIR (mode 0600); the database holds only the
public keys. Rotation keeps every old private key file: reports sealed to it stay readable."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Unit
from precinct.organisation.selectors import province_root
from precinct.tips import crypto
from precinct.tips.models import UnitKey
from precinct.tips.services.keys import unit_key_for, unit_key_rotate


def receiving_units() -> list[Unit]:
    """Every unit a report can go to: the province (duty desk) and each commune-level police."""
    return [province_root(), *Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS, is_active=True).order_by("code")]


class Command(BaseCommand):
    help = "Manage the key pairs that crime reports are sealed to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "create", "rotate"])
        parser.add_argument("--unit", help="unit code (rotate)")
        parser.add_argument("--all", action="store_true", help="every receiving unit (rotate)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for key in UnitKey.objects.select_related("unit").order_by("unit__code", "-created_at"):
                present = (crypto.key_dir() / f"{key.key_id}.key").exists()
                self.stdout.write(
                    f"{key.unit.code:12} {key.key_id} {'active ' if key.is_active else 'retired'} "
                    f"{key.created_at:%Y-%m-%d} private key {'present' if present else 'MISSING'}"
                )
            return
        if action == "create":
            made = 0
            for unit in receiving_units():
                if not UnitKey.objects.filter(unit=unit, is_active=True).exists():
                    unit_key_for(unit)
                    made += 1
            self.stdout.write(f"Created {made} key pair(s) in {crypto.key_dir()}.")
            return
        if options["all"]:
            units = receiving_units()
        elif options["unit"]:
            units = list(Unit.objects.filter(code=options["unit"], is_active=True))
            if not units:
                raise CommandError(f"No active unit with code {options['unit']}")
        else:
            raise CommandError("rotate needs --unit CODE or --all")
        for unit in units:
            key = unit_key_rotate(actor=None, unit=unit)
            self.stdout.write(f"{unit.code}: new key {key.key_id}")
