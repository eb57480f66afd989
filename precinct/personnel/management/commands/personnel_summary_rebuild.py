from typing import Any

from django.core.management.base import BaseCommand

from precinct.personnel import summary


class Command(BaseCommand):
    help = "Count again every unit's personnel summaries (UnitStrength, CourseUnitResult) from officers and enrolments."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{summary.rebuild()} units counted")
