"""View controls the pages share."""

from __future__ import annotations

from collections.abc import Sequence


def axes_picker(
    names: Sequence[str],
    places: Sequence,
    *,
    key: str,
    labels: tuple[str, str] = ("Surface x-axis", "Surface y-axis"),
    default: tuple[int, int] | None = None,
) -> tuple[int, int] | None:
    """Two selectboxes choosing the parameters a surface is drawn over.

    Their keys carry the parameter names, so new data starts them afresh
    instead of showing the previous data's names. ``default`` is the pair they
    open on (the first and the last parameter when not given). Returns None
    (and says why) when the same parameter is picked twice.
    """
    suffix = "|".join(names)
    first = places[0].selectbox(
        labels[0],
        range(len(names)),
        key=f"{key}_u:{suffix}",
        format_func=names.__getitem__,
        index=default[0] if default else 0,
    )
    second = places[1].selectbox(
        labels[1],
        range(len(names)),
        key=f"{key}_v:{suffix}",
        format_func=names.__getitem__,
        index=default[1] if default else len(names) - 1,
    )
    if first == second:
        places[1].caption("Pick two different parameters.")
        return None
    return first, second
