"""Every data choice opens converging, explains a divergence with a fix that works, and says
"diverges" above the limit it states (see ``tests/app/dataset_checks.py``)."""

import pytest

from tests.app.dataset_checks import CHOICES, check


@pytest.mark.parametrize(("choice", "state"), CHOICES, ids=[name for name, _ in CHOICES])
def test_a_learner_sees_the_truth_about_the_rate(choice, state):
    failed = {name: note for name, (passed, note) in check(state).items() if not passed}
    assert not failed, failed
