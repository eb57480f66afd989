"""Demo data is contributed by each app's `demo.py` (a `seed() -> list[DemoAccount]` function)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    who: str
