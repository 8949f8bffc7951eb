"""Names in Streamlit's Markdown: escaped character by character, joined where Streamlit rewrites.

That Streamlit then shows each name as typed is checked in a browser
(``tests/browser/test_escaping.py``); here, the Markdown it is given.
"""

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charts.text import NAME_CHARS
from charts.text import WORD_JOINER as WJ
from core import descend
from tests.hostile_names import FILE_NAME, HOSTILE, TARGET, hostile_csv
from ui import compute, lessons, tables
from ui.specs import DataSpec, ProblemKey
from ui.text import full_names, md_name, md_text

FSI, PDI = "\u2068", "\u2069"


@pytest.mark.parametrize("char", list(string.punctuation))
def test_every_ascii_punctuation_character_is_escaped(char):
    joiner = WJ if char in ":@" else ""
    assert md_text(f"a{char}b") == f"a\\{char}{joiner}b"


def test_the_known_tricks_become_plain_characters():
    assert md_text(HOSTILE["image"]) == (rf"\!\[t\]\(http\:{WJ}\/\/127\.0\.0\.1\:{WJ}9\/b\.png\)")
    assert md_text(HOSTILE["katex"]) == r"\$\\rule\{5000px\}\{5000px\}\$"
    assert md_text(HOSTILE["bold"]) == r"\*\*bold\*\*"
    assert md_text(HOSTILE["directive"]) == rf"\:{WJ}red\[red\]"
    assert md_text("income") == "income"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # Streamlit's emoji, icons and logo need a word right after the colon.
        (":smile:", rf"\:{WJ}smile\:{WJ}"),
        (":material_home:", rf"\:{WJ}material\_home\:{WJ}"),
        # Arrows and relations are made of pairs; a joiner splits each pair.
        ("a -> b", rf"a \-{WJ}\> b"),
        ("a <= b >= c", rf"a \<{WJ}\= b \>{WJ}\= c"),
        ("a ~= b -- c", rf"a \~{WJ}\= b \-{WJ}\- c"),
        # Bare addresses: after the scheme's colon, before www's dot, after the at sign.
        ("WWW.example.org", rf"WWW{WJ}\.example\.org"),
        ("me@example.org", rf"me\@{WJ}example\.org"),
    ],
)
def test_streamlits_own_rewrites_are_split_by_a_word_joiner(text, shown):
    assert md_text(text) == shown


def test_a_name_stays_on_its_line_and_out_of_a_code_block():
    assert md_text("a\nb\r\nc\rd\te") == "a b c d e"
    assert md_text("    four") == "&#32;&#32;&#32;&#32;four"


def test_a_direction_override_is_isolated():
    assert md_text(HOSTILE["rtl"]) == f"{FSI}{HOSTILE['rtl'].replace('.', chr(92) + '.')}{PDI}"


def unescape(markdown: str) -> str:
    """What Markdown shows for :func:`md_text`'s output: escapes, joiners and isolates undone."""
    text = markdown.replace(WJ, "").replace("&#32;", " ").removeprefix(FSI).removesuffix(PDI)
    return re.sub(r"\\(.)", r"\1", text)


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60))
def test_every_punctuation_character_is_escaped_and_nothing_is_lost(text):
    shown = md_text(text)
    bare = re.sub(r"\\[!-/:-@\[-`{-~]", "", re.sub(r"^(&#32;)+", "", shown))
    assert not re.search(r"[!-/:-@\[-`{-~]", bare)
    plain = re.sub(r"\r\n|[\t\n\v\f\r\x85\u2028\u2029]", " ", text)
    if not re.search("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", plain):
        assert unescape(shown) == plain.replace(WJ, "")


def test_the_parameters_table_escapes_feature_names_in_its_row_labels():
    digest, upload = compute.parse_upload(hostile_csv())
    spec = DataSpec("upload", name=FILE_NAME, digest=digest)
    features = tuple(c for c in compute.load_dataset(spec, upload).table.columns if c != TARGET)
    key = ProblemKey(spec, TARGET, features, test_fraction=0.2, fit_intercept=True, l2=0.0)
    problem = compute.problem(key, upload)
    run = descend(problem.X, problem.y, epochs=2)
    table = tables.parameters_table(run, problem)
    names = [f"w{chr(0x2080 + j)} ({md_name(name)})" for j, name in enumerate(features, 1)]
    assert table.labels == [*names, "b (intercept)"]


def test_a_long_name_is_shortened_in_text_and_given_whole_for_a_tooltip():
    long = HOSTILE["long"]
    assert md_name(long) == long[: NAME_CHARS - 1] + "…"
    assert md_name(HOSTILE["bold"]) == md_text(HOSTILE["bold"])
    assert full_names(["x", HOSTILE["bold"]]) is None
    assert full_names(["x", long, "*" * 60]) == f"In full:\n\n{long}\n\n{md_text('*' * 60)}"


def test_the_equal_scale_note_escapes_names():
    note = lessons.equal_scale_note(["w (**a**)", "b (intercept)"], "$y$", (0, 1), 1)
    assert f"On the raw map {md_text('w (**a**)')} and {md_text('b (intercept)')}" in note
    assert "**a**" not in note and "$y$" not in note and md_text("$y$") in note
