"""SimPy plumbing shared by the units: an environment that counts its events, and buffers.

A buffer of ``n`` tiles between two stages is a pair of ``simpy.Store``: one holding the
free slots (filled at the start) and one holding the full ones; a producer takes a free
slot, fills it and puts it in the full store, the consumer does the reverse (SimPy's
documentation, "Shared Resources: Stores").
"""

from __future__ import annotations

import simpy


class CountingEnvironment(simpy.Environment):
    """simpy.Environment that counts scheduled events (to show the event granularity)."""

    def __init__(self) -> None:
        super().__init__()
        self.n_events = 0

    def schedule(self, event, priority=1, delay=0):  # noqa: D102 (SimPy API)
        self.n_events += 1
        super().schedule(event, priority, delay)


def filled_store(env: simpy.Environment, capacity: int) -> simpy.Store:
    """A Store of ``capacity`` free buffer slots, numbered 0 .. capacity - 1."""
    store = simpy.Store(env, capacity=capacity)
    for index in range(capacity):
        store.put(index)
    return store


__all__ = ["CountingEnvironment", "filled_store"]
