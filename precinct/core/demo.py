"""Demo data is contributed by each app's `demo.py` (a `seed() -> list[DemoAccount]` function)."""

from dataclasses import dataclass

# Printed by seed_demo for every demo account; change it in any real use.
DEMO_PASSWORD = "Precinct@2026"  # noqa: S105


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    who: str
