"""From who acts to whose account: narrowing a `core.actors.Actor` to `User`.

Apps below accounts know an actor only by the `Principal` protocol. Code above it that needs the
account's own fields (personal ID, phone, kind) or stores the actor on a row narrows here, or with
`isinstance(actor, User)` where a condition reads better.
"""

from precinct.accounts.models import User
from precinct.core.actors import Actor


def as_user(actor: Actor) -> User | None:
    """The signed-in account that acts; None for an anonymous visitor and for the system itself."""
    return actor if isinstance(actor, User) else None
