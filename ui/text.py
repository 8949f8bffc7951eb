"""Names from people's data, made safe to put in Streamlit's Markdown: shown as typed.

Streamlit reads the text of ``st.markdown``, ``st.caption``, alerts, widget
labels, tooltips, metric labels and ``st.table`` cells as GitHub-flavoured
Markdown (links, images, emphasis, raw HTML, tables), with LaTeX between ``$``
signs (KaTeX), directives such as ``:red[...]``, and, on the text it has parsed,
emoji codes (``:smile:``), icons (``:material/home:``), its logo
(``:streamlit:``), arrows for ``->`` and ``<=`` between spaces, and links for
bare addresses (``http://…``, ``www.…``, ``a@b.org``). :func:`md_text` turns a
name into Markdown that shows exactly the name. Apply it to the name (or to a
message quoting names), never to Markdown of ours around it. :func:`md_name` also
shortens a long name, for sentences, labels and table cells (Streamlit's tables do not
wrap a long word, and a sentence should not drown in one); :func:`full_names` then
gives the whole names for a tooltip.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from charts.text import NAME_CHARS, WORD_JOINER, isolated, shortened

#: ASCII punctuation: CommonMark lets each be escaped with a backslash, and shows the
#: character itself.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
#: Where a word joiner goes: after a colon (emoji, icons, directives, ``http:``), after
#: an at sign (e-mail addresses), between "www" and its dot, and inside the pairs
#: Streamlit turns into arrows and relations (``->``, ``<-``, ``--``, ``<=``, ``>=``, ``~=``).
_JOINS = re.compile(r"(?<=[:@])|(?<=[<>~-])(?=[>=-])|(?i:(?<=www)(?=\.))")
#: Line breaks and tabs: a name stays on the line it is put on.
_BREAKS = re.compile(r"\r\n|[\t\n\v\f\r\x85\u2028\u2029]")
_LEADING_SPACES = re.compile(r"^ +")


def md_text(text: str) -> str:
    """``text`` as Markdown that Streamlit shows literally, whatever it holds.

    Every ASCII punctuation character is backslash-escaped, which Markdown
    reads as the character itself; that stops emphasis, links, images, raw
    HTML, entities, LaTeX and directives. Streamlit's replacements on the parsed
    text (emoji, icons, arrows, bare links) are stopped by an invisible word
    joiner (U+2060) at the places listed in ``_JOINS``. Line breaks become
    spaces, leading spaces become ``&#32;`` (four would start a code block), and
    direction controls are isolated (:func:`charts.text.isolated`).

    Parameters
    ----------
    text : str
        A name (column, target, file) or a message that quotes one.

    Returns
    -------
    str
        Markdown whose rendering reads as ``text`` (word joiners aside).
    """
    text = _BREAKS.sub(" ", str(text))
    text = _PUNCTUATION.sub(r"\\\1", _JOINS.sub(WORD_JOINER, text))
    text = _LEADING_SPACES.sub(lambda spaces: "&#32;" * len(spaces.group()), text)
    return isolated(text)


def md_name(name: str) -> str:
    """A name for a sentence, a widget label or a table cell: shortened to
    :data:`charts.text.NAME_CHARS` characters, as on the charts, then :func:`md_text`."""
    return md_text(shortened(str(name), NAME_CHARS))


def full_names(names: Iterable[str]) -> str | None:
    """A tooltip (Markdown) giving in full each of ``names`` that :func:`md_name` shortens.

    One paragraph per name; None when every name is shown whole, so no tooltip is drawn.
    """
    long = [md_text(name) for name in names if len(str(name)) > NAME_CHARS]
    return "\n\n".join(["In full:", *long]) if long else None
