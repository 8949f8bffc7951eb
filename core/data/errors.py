"""The one exception the data layer raises for input a person can fix."""

from __future__ import annotations


class DataError(ValueError):
    """A file or a column choice cannot be used; the message says why and what to do.

    Subclasses :class:`ValueError`, so callers that already catch ``ValueError``
    for bad input keep working.
    """
