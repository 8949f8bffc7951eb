"""Names from people's data, made safe to show as chart text: literal, short and contained.

Plotly reads the text of titles, axis titles, legends, annotations and hover
labels as a little HTML (``<b>``, ``<br>``, ``<a href>``, ``<span style>``,
entities such as ``&amp;``), as LaTeX between ``$`` signs when MathJax is on the
page, and hover templates as ``%{...}`` fields. Its 3D axis titles are drawn on
the WebGL canvas, where ``<b>``, ``<i>``, ``<sup>``, ``<sub>`` and ``<br>`` still
act as tags but entities are shown as typed. A column or file name is user input,
so each kind of text gets its own form of the name: :func:`plotly_text` for the
SVG text, :func:`scene_text` for 3D axis titles, :func:`label` for the page's
own words (``textContent``). Apply them to the names (or to labels built from
names around text of ours with no markup in it), never to a template of ours.
"""

from __future__ import annotations

import re

#: The most characters of a name a chart or a page shows (a narrow map's axis title, or a
#: table's row label beside two columns of numbers, holds about this many); longer names
#: end in an ellipsis.
NAME_CHARS = 32

#: Characters that steer the direction of the text after them (marks, embeddings,
#: overrides and isolates): a name holding one could reverse what follows it.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ISOLATE_OPENERS = frozenset("\u2066\u2067\u2068")
_FIRST_STRONG_ISOLATE = "\u2068"
_POP_ISOLATE = "\u2069"
#: Plotly's markup and template characters as numeric character references, which its
#: SVG text turns back into the characters themselves.
_SVG_ENTITIES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "$": "&#36;",
        "%": "&#37;",
        "{": "&#123;",
        "}": "&#125;",
    }
)
#: An invisible word joiner: after ``<`` it stops a 3D title from reading a tag.
WORD_JOINER = "\u2060"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def shortened(text: str, limit: int | None = NAME_CHARS) -> str:
    """``text``, or its first ``limit - 1`` characters and an ellipsis when it is longer.

    Parameters
    ----------
    text : str
    limit : int or None
        The most characters kept (at least 1); None keeps the whole text.

    Returns
    -------
    str
        At most ``limit`` characters.
    """
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + "…"


def isolated(text: str) -> str:
    """``text`` between a first-strong isolate and its pop, when it holds a direction control.

    Inside the isolate an override such as U+202E still turns its own characters
    around, but not the text after the name. A pop (U+2069) with no opener in
    ``text`` would end the isolate early, so it is left out; isolates ``text``
    opens and never closes are closed. Text without direction controls is
    returned as it is.
    """
    if not _BIDI.search(text):
        return text
    depth = 0
    kept = []
    for char in text:
        if char in _ISOLATE_OPENERS:
            depth += 1
        elif char == _POP_ISOLATE:
            if depth == 0:
                continue
            depth -= 1
        kept.append(char)
    return _FIRST_STRONG_ISOLATE + "".join(kept) + _POP_ISOLATE * (depth + 1)


def label(text: str, limit: int | None = NAME_CHARS) -> str:
    """A name as plain words beside a chart: on one line, shortened and isolated.

    For text set as ``textContent`` (the player's status and descriptions), which
    no markup reaches. Line breaks and other control characters become spaces.
    """
    return isolated(shortened(_CONTROL.sub(" ", str(text)), limit))


def plotly_text(text: str, limit: int | None = NAME_CHARS) -> str:
    """A name as Plotly's SVG text shows it literally: titles, legends, hover templates.

    ``&``, ``<`` and ``>`` become entities, so no tag (a link, a style) is read;
    ``$`` becomes ``&#36;``, so MathJax finds no formula; ``%``, ``{`` and ``}``
    become ``&#37;``, ``&#123;`` and ``&#125;``, so a hover template finds no
    field. Plotly turns every one back into its character when it draws.

    Parameters
    ----------
    text : str
        A name, or a label of ours around a name (no markup of ours in it).
    limit : int or None
        The most characters shown (see :func:`shortened`).

    Returns
    -------
    str
    """
    return label(text, limit).translate(_SVG_ENTITIES)


def scene_text(text: str, limit: int | None = NAME_CHARS) -> str:
    """A name as a 3D scene's axis title shows it literally.

    Those titles are drawn on the canvas without entities, so an entity would
    show as typed; instead a word joiner after each ``<`` keeps ``<b>`` and its
    kind from being read as tags. Nothing else in them is interpreted.
    """
    return label(text, limit).replace("<", "<" + WORD_JOINER)
