"""How numbers and names become export text: checked names, shortest round-trip numbers."""

from __future__ import annotations

from collections.abc import Iterable


def checked_text(name: str, value) -> str:
    """``value`` if it is a string, else a ValueError naming ``name``."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string; got {value!r}.")
    return value


def checked_names(feature_names: Iterable, n_features: int) -> list[str]:
    """The feature names as a list, once each is a string and there is one per coefficient.

    Raises
    ------
    ValueError
        For a name that is not a string, or a count other than ``n_features``.
    """
    names = [checked_text("every feature name", name) for name in feature_names]
    if len(names) != n_features:
        raise ValueError(
            f"feature_names must hold one name per coefficient ({n_features}); got {len(names)}."
        )
    return names


def number(value) -> str:
    """Shortest text that reads back as the same float64."""
    return repr(float(value))
