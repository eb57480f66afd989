"""A registry of functions by name, each with an optional twin that does a worker's whole batch at once: the
composers (services.register_composer) and the attachment renderers (attachments.register_attachment)."""

from collections.abc import Callable, Mapping, Sequence


class BatchedRegistry[T]:
    def __init__(self) -> None:
        self._one: dict[str, Callable[[int], T]] = {}
        self._many: dict[str, Callable[[Sequence[int]], Mapping[int, T]]] = {}

    def register(
        self, name: str, one: Callable[[int], T], many: Callable[[Sequence[int]], Mapping[int, T]] | None = None
    ) -> None:
        self._one[name] = one
        if many is not None:
            self._many[name] = many
        else:
            self._many.pop(name, None)  # registered again without its twin: the old twin must not answer

    def get(self, name: str) -> Callable[[int], T] | None:
        return self._one.get(name)

    def each(self, calls: Sequence[tuple[str, int]]) -> list[T]:
        """`one(ref)` for each (name, ref), in order, except that a name with a twin is called once for all its
        refs; a ref the twin's answer leaves out is done by `one`. An unknown name raises KeyError."""
        batches: dict[str, list[int]] = {}
        for name, ref in calls:
            if name in self._many:
                batches.setdefault(name, []).append(ref)
        done = {(name, ref): result for name, refs in batches.items() for ref, result in self._many[name](refs).items()}
        return [done[call] if call in done else self._one[call[0]](call[1]) for call in calls]
