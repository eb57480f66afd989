"""Deliver the outbox to the national portal: a loop for a supervised worker, or `--once` for a timer."""

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from precinct.portalsync.delivery import Config, PortalClient, WorkerBusy, single_worker, sync_pass


class Command(BaseCommand):
    help = (
        "Send waiting dossier events to the national public-service portal (PORTAL_SYNC_URL). "
        "Runs until stopped (SIGTERM/SIGINT finish the current batch), or once with --once."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="send everything due now, then exit")
        parser.add_argument("--poll", type=float, default=2.0, help="seconds to wait when nothing is due")
        parser.add_argument("--batch", type=int, default=0, help="rows per batch (default PORTAL_SYNC_BATCH)")

    def handle(self, *args: Any, **options: Any) -> None:
        config = Config.from_settings()
        if options["batch"] > 0:
            config = Config(**{**config.__dict__, "batch": options["batch"]})
        if not config.enabled:
            self.stdout.write("Portal sync is off (PORTAL_SYNC_URL is empty): events wait in the outbox.")
            return
        self.verbosity = options["verbosity"]
        stop = {"now": False}

        def request_stop(signum: int, frame: Any) -> None:
            stop["now"] = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        client = PortalClient(config)
        try:
            with single_worker():
                self._run(config, client, once=options["once"], poll=options["poll"], stop=stop)
        except WorkerBusy as exc:
            raise CommandError(f"Another portal_sync worker is running on this SQLite database ({exc}).") from exc
        finally:
            client.close()

    def _run(self, config: Config, client: PortalClient, *, once: bool, poll: float, stop: dict[str, bool]) -> None:
        totals = {"delivered": 0, "failed": 0, "dead": 0}
        while not stop["now"]:
            if not connection.in_atomic_block:
                close_old_connections()  # a long-running worker drops broken or expired connections
            result = sync_pass(config=config, client=client, max_batches=1)
            for name in totals:
                totals[name] += getattr(result, name)
            if result.sent and self.verbosity >= 2:
                self.stdout.write(f"batch: {result.delivered} delivered, {result.failed} to retry, {result.dead} dead")
            if once and not result.batches:
                break
            if not result.batches:
                time.sleep(poll)
        self.stdout.write(
            f"Portal sync: {totals['delivered']} delivered, {totals['failed']} failed attempts to retry, "
            f"{totals['dead']} dead letters."
        )
