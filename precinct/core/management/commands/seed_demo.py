from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from precinct.core.demo import DemoAccount


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo accounts. Each app contributes its demo.py."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts: list[DemoAccount] = []
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if config.name.startswith("precinct.") and config.name != "precinct.core" and find_spec(module_name):
                accounts += import_module(module_name).seed(stdout=self.stdout)
        if not accounts:
            return
        width = max(len(a.username) for a in accounts)
        self.stdout.write("\nDemo accounts (password as printed, unless changed since):")
        for account in accounts:
            self.stdout.write(f"  {account.username.ljust(width)}  {account.password}  {account.who}")
        self.stdout.write("")
