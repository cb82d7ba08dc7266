"""Starting a stream before the response does, so that a failure to start is an HTTP error, not an event."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import TypeVar

T = TypeVar("T")


def started_stream(events: Iterator[T]) -> Iterator[T]:
    """Runs ``events`` up to its first item now: retrieval, the judge and the model's first token.

    An unreachable backend raises here, inside the route, where the error handlers turn it into a 502/503
    with a message; once the response has started, the status line is already sent.
    """
    try:
        first = next(events)
    except StopIteration:
        return iter(())
    return chain([first], events)
