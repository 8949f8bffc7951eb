"""The columns a session fits: whatever was asked for, a target and features the data has."""

import pytest

from core.data import preset
from ui.data_choice import fit_columns

#: x1, x2, x3 and y.
DATA = preset("three_features")


@pytest.mark.parametrize(
    ("target", "features", "kept", "changes"),
    [
        (None, None, ("y", ["x1", "x2", "x3"]), 0),
        ("x1", ["x2"], ("x1", ["x2"]), 0),
        ("y", ["x2", "x2", "x1"], ("y", ["x2", "x1"]), 1),
        ("y", ["x3", "nope"], ("y", ["x3"]), 1),
        ("nope", ["x1"], ("y", ["x1"]), 1),
        ("x1", ["x1", "x2"], ("x1", ["x2"]), 1),
        ("y", ["y"], ("y", ["x1", "x2", "x3"]), 2),
        ("y", [], ("y", ["x1", "x2", "x3"]), 0),
        ("x2", ["nope", "nope", "x2"], ("x2", ["x1", "x3"]), 4),
    ],
)
def test_what_was_asked_for_becomes_columns_the_data_has(target, features, kept, changes):
    *fitted, notes = fit_columns(DATA, target, features)
    assert tuple(fitted) == kept
    assert len(notes) == changes, notes


def test_the_notes_never_repeat_what_was_asked_for():
    # A column name in a link is user input: the notes say what changed, not what it was.
    *_, notes = fit_columns(DATA, "**bold**", ["<b>", "<b>", "$x$"])
    assert notes and not any(text in note for note in notes for text in ("**", "<b>", "$x$"))
