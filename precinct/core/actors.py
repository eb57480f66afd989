"""Who acts: the type every service, selector and permission takes as `actor`.

The kernel cannot name `accounts.User` (it imports no app), so an actor is described by what the
unit-tree checks read from it. `accounts.User` and Django's `AnonymousUser` both fit; `None` is the
system itself (management commands, the worker, demo data). Code that needs a citizen's own details
(personal ID, phone) narrows with `isinstance(actor, User)` in the app that owns them.
"""

from typing import Any, Protocol


class Principal(Protocol):
    """A signed-in user or an anonymous visitor."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def is_superuser(self) -> bool: ...


type Actor = Principal | None
