"""Widgets drawn from the settings schema: label, range, options and help come from one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.settings import SCHEMA


def draw(name: str, where: Any = st, *, key: str | None = None, **options: Any) -> Any:
    """Draw the widget of setting ``name`` and return its value.

    Parameters
    ----------
    name : str
        A key of :data:`ui.settings.SCHEMA`.
    where : module or container
        ``st``, ``st.sidebar`` or a column to draw in.
    key : str, optional
        Session-state key, when it is not the setting's own (a Compare run's copy).
    **options
        Passed on to the widget (``persist_state``, ``on_change``, a narrower
        ``max_value``, the ``options`` of a data-dependent choice…), over what the
        schema says.
    """
    setting = SCHEMA[name]
    # A setting whose widget is hidden for a while (β when another rule is chosen, the
    # generator's fields when a preset is) keeps its value instead of falling back to default.
    common = {"key": key or setting.key, "help": setting.help, "persist_state": "session"}
    widget = getattr(where, setting.widget)
    if setting.widget in ("selectbox", "radio", "select_slider", "multiselect"):
        choices = options.pop("options", setting.choices)
        if setting.labels:
            common["format_func"] = setting.labels.__getitem__
        if setting.widget == "radio":
            common["horizontal"] = True
        return widget(setting.label, choices, **{**common, **options})
    if setting.widget in ("number_input", "slider"):
        numeric = {"min_value": setting.low, "max_value": setting.high}
        if setting.kind == "float":
            numeric = {k: float(v) for k, v in numeric.items()}
        for attribute in ("step", "format"):
            if getattr(setting, attribute) is not None:
                numeric[attribute] = getattr(setting, attribute)
        return widget(setting.label, **{**common, **numeric, **options})
    return widget(setting.label, **{**common, **options})


def section(label: str, key: str, where: Any = st, *, expanded: bool = False):
    """An expander whose contents run only while it is open, or None while it is closed.

    Closed sections cost a rerun nothing; the settings drawn in them keep their
    values (see :func:`draw`). Opening one reruns the page to draw it.
    """
    box = where.expander(label, expanded=expanded, key=key, on_change="rerun")
    return box if box.open else None


def remove_button(
    where: Any,
    key: str,
    what: str,
    on_click: Callable[..., None],
    args: tuple,
    *,
    disabled: bool = False,
) -> None:
    """A × button in ``where`` that removes ``what`` (a pin, a race's run) by ``on_click``."""
    where.button(
        "",
        key=key,
        icon=":material/close:",
        help=f"Remove {what}",
        on_click=on_click,
        args=args,
        disabled=disabled,
    )
