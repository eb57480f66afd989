import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from precinct.stats.folding import stats_fold


class Command(BaseCommand):
    help = "Fold waiting dossier changes into the statistics (once, or every N seconds with --every)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="keep folding, this many seconds apart")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            started = time.monotonic()
            folded = stats_fold()
            self.stdout.write(f"{folded} changes folded in {time.monotonic() - started:.2f} s.")
            if not options["every"]:
                return
            time.sleep(options["every"])
