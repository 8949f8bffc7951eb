"""Problem keys for the tests of the app's own helpers."""

from __future__ import annotations

from ui import compute
from ui.specs import DataSpec, ProblemKey


def problem_key(source: str, name: str) -> ProblemKey:
    """The key of a preset or bundled dataset's default problem (its own target and features)."""
    spec = DataSpec(source=source, name=name)
    dataset = compute.load_dataset(spec)
    return ProblemKey(
        data=spec,
        target=dataset.target,
        features=tuple(dataset.features),
        test_fraction=0.2,
        fit_intercept=True,
        l2=0.0,
    )
