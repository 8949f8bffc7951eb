"""Problem keys for the tests of the app's own helpers."""

from __future__ import annotations

from ui import compute
from ui.settings import DEFAULTS
from ui.specs import DataSpec, ProblemKey


def problem_key(source: str, name: str) -> ProblemKey:
    """The key of a preset or bundled dataset's default problem (its own target and features)."""
    spec = DataSpec(source=source, name=name)
    dataset = compute.load_dataset(spec)
    return ProblemKey.of(DEFAULTS, spec, dataset.target, dataset.features)
