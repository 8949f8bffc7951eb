"""Which features a fit uses: never more than the server's budget allows (50 by default)."""

import pytest

from core.budget import Budget
from ui import data_choice
from ui.data_choice import choose_features, features_note

COLUMNS = [f"c{j}" for j in range(60)]


def test_wide_data_opens_on_the_first_50_features_after_the_target():
    features, cut = choose_features(COLUMNS, "c0", None, COLUMNS[1:])
    assert features == COLUMNS[1:51]
    assert cut is None


def test_more_than_50_features_asked_for_are_cut_to_the_first_50_with_a_line():
    features, cut = choose_features(COLUMNS, "c59", COLUMNS[:59], COLUMNS[:59])
    assert features == COLUMNS[:50]
    assert cut == (
        "59 features were chosen; Downhill fits at most 50 at once, so the first 50 are used."
    )


def test_names_that_are_not_columns_and_the_target_do_not_count_towards_the_cap():
    wanted = ["c59", *COLUMNS[:45], *(f"gone{j}" for j in range(10))]
    features, cut = choose_features(COLUMNS, "c59", wanted, COLUMNS[:59])
    assert features == COLUMNS[:45]
    assert cut is None


def test_the_cap_is_the_servers_budget_read_when_features_are_chosen(monkeypatch):
    monkeypatch.setattr(data_choice, "server_budget", lambda: Budget(max_features=3))
    assert choose_features(COLUMNS, "c59", None, COLUMNS[:59]) == (COLUMNS[:3], None)
    features, cut = choose_features(COLUMNS, "c59", COLUMNS[10:15], COLUMNS[:59])
    assert features == COLUMNS[10:13]
    assert "at most 3 at once" in cut
    assert "up to 3 can be features" in features_note(60, COLUMNS[:59], COLUMNS[10:13])


@pytest.mark.parametrize(
    ("features", "note"),
    [
        (
            COLUMNS[:50],
            "This file has 60 numeric columns; the first 50 are used as features. "
            "Choose others below.",
        ),
        (COLUMNS[5:10], "This file has 60 numeric columns; up to 50 can be features."),
    ],
    ids=["the-first-50", "chosen-others"],
)
def test_the_note_on_wide_data_says_which_features_are_used(features, note):
    assert features_note(60, COLUMNS[:59], features) == note


def test_data_within_the_cap_gets_no_note():
    assert features_note(51, COLUMNS[:50], COLUMNS[:50]) is None
