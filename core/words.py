"""Words the engine's messages and the pages share."""

from __future__ import annotations


def epochs(count: int) -> str:
    """``count`` epochs in words, its thousands separated: "1 epoch", "1,000 epochs"."""
    return f"{count:,} epoch{'' if count == 1 else 's'}"
