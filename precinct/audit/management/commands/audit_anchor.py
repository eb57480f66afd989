"""Sign the audit chain's head and append it to the anchor file (ADR 0025); the scheduler runs it every few
minutes (`audit.anchor`). `--init` makes the key if there is none; `--public-key` prints it."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from precinct.audit.anchor import ANCHORS_FILE, anchor_dir, anchor_key, audit_anchor_write, public_key_hex


class Command(BaseCommand):
    help = "Append the signed head of the audit chain to the anchor file outside the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--init", action="store_true", help="make the anchor key if missing, write nothing")
        parser.add_argument("--public-key", action="store_true", help="print the anchor key's public half")

    def handle(self, *args: Any, init: bool, public_key: bool, **options: Any) -> None:
        if init:
            anchor_key()
            self.stdout.write(f"Anchor key in {anchor_dir()}: {public_key_hex()}")
            return
        if public_key:
            self.stdout.write(public_key_hex())
            return
        result = audit_anchor_write()
        where = anchor_dir() / ANCHORS_FILE
        self.stdout.write(f"row {result.row_id}: {result.reason}" + (f" ({where})" if result.written else ""))
