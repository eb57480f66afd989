"""Who acts is typed (`precinct.core.actors.Actor`), never `Any`: the type checker must see every actor.

mypy cannot tell an `Any` that was meant from one that crept back, so production modules are read for
the annotation itself. Tests and migrations are left out.
"""

import re
from pathlib import Path

PRECINCT = Path(__file__).resolve().parents[1] / "precinct"
UNTYPED_ACTOR = re.compile(r"\b(actor|user|recipient): Any\b")


def _production_modules() -> list[Path]:
    return [
        path
        for path in sorted(PRECINCT.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(PRECINCT).parts[:-1])
    ]


def test_the_pattern_finds_an_untyped_actor():
    assert UNTYPED_ACTOR.search("def can_view(actor: Any, unit: Unit) -> bool:")
    assert UNTYPED_ACTOR.search("def scope_paths(user: Any) -> list[str]:")
    assert not UNTYPED_ACTOR.search("def can_view(actor: Actor, unit: Any) -> bool:")


def test_no_production_module_takes_an_untyped_actor():
    modules = _production_modules()
    assert len(modules) > 100  # the walk found the code
    offenders = [
        f"{path.relative_to(PRECINCT.parent)}:{number}: {line.strip()}"
        for path in modules
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if UNTYPED_ACTOR.search(line)
    ]
    assert not offenders, "Type who acts as precinct.core.actors.Actor (or User), not Any:\n" + "\n".join(offenders)
