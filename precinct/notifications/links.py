"""What a message is about, as a link in the site's inbox. The key says it (`<kind>:<part>:…`,
notification_key); the app that owns the kind registers a resolver in its AppConfig.ready(), so this app
never imports the apps above it. A resolver gets every key of its kind on one inbox page at once (one query
per kind, not per message) and returns a Link for those it knows."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str  # e.g. the dossier's code
    url: str  # a path in the site


Resolver = Callable[[Sequence[str]], Mapping[str, Link]]
_resolvers: dict[str, Resolver] = {}


def register_link(kind: str, resolver: Resolver) -> None:
    _resolvers[kind] = resolver


def key_kind(key: str) -> str:
    return key.split(":", 1)[0]


def key_parts(key: str) -> list[str]:
    """The parts after the kind: `overdue:12:2026-12-10` → ["12", "2026-12-10"]."""
    return key.split(":")[1:]


def resolve_links(keys: Iterable[str]) -> dict[str, Link]:
    by_kind: dict[str, list[str]] = {}
    for key in keys:
        by_kind.setdefault(key_kind(key), []).append(key)
    links: dict[str, Link] = {}
    for kind, kind_keys in by_kind.items():
        if resolver := _resolvers.get(kind):
            links.update(resolver(kind_keys))
    return links
