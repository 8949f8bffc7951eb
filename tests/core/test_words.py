"""Counts read in the right number wherever the engine or a page states them."""

from __future__ import annotations

import pytest

from core import words


@pytest.mark.parametrize(
    ("count", "said"), [(0, "0 epochs"), (1, "1 epoch"), (2, "2 epochs"), (1000, "1,000 epochs")]
)
def test_epochs_are_counted_in_the_right_number(count, said):
    assert words.epochs(count) == said
