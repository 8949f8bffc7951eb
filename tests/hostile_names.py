"""Names a hostile or careless file can carry, for the tests that show names as text.

Every address points at port 9 of this machine (discard), so a name that did reach the
network would show up in a recorded request without going anywhere.
"""

from __future__ import annotations

import csv
import io

import numpy as np

#: One name per trick, each shown literally or it is a bug.
HOSTILE = {
    "image": "![t](http://127.0.0.1:9/b.png)",
    "link": "[x](http://127.0.0.1:9/)",
    "katex": r"$\rule{5000px}{5000px}$",
    "bold": "**bold**",
    "anchor": '<a href="http://127.0.0.1:9/">y</a>',
    "img_tag": "<img src=http://127.0.0.1:9/i.png>",
    "formula": '=HYPERLINK("http://127.0.0.1:9","x")',
    "long": "L" + "o" * 9_998 + "ng",
    "rtl": "\u202eabc.exe",
    "directive": ":red[red]",
}

#: Further tricks for the Markdown and Plotly helpers themselves: Streamlit's own
#: replacements on parsed text, bare addresses, Plotly's templates and entities.
MORE = {
    "icon": ":material/home:",
    "icon_underscore": ":material_home:",
    "emoji": ":smile: :+1:",
    "logo": ":streamlit:",
    "arrows": "a -> b <- c <-> d -- e >= f <= g ~= h",
    "bare_url": "see http://127.0.0.1:9/u.png now",
    "www": "www.example.org",
    "email": "me@example.org",
    "template": "%{x} %{y:.2f} {z}",
    "entities": "&amp; &lt;b&gt; &#36;",
    "html_break": "a<br>b<sup>2</sup>",
    "heading": "# not a heading",
    "list": "1. not a list",
    "bullet": "- not a bullet",
    "quote": "> not a quote",
    "code": "`code` ```fence```",
    "strike": "~~struck~~",
    "table": "| a | b |",
    "backslash": "ends with \\",
    "braces": "{x} [y] (z)",
    "indented": "    four spaces",
    "display_math": "$$x^2$$",
    "escaped": r"\*not\* \$1",
    "isolates": "\u2069\u2067rtl isolate",
}

#: The column the uploaded file is fitted to; every other numeric column is a feature.
TARGET = HOSTILE["image"]
#: A text column, which the reader leaves out and the sidebar names.
LEFT_OUT = HOSTILE["link"]
#: The uploaded file's own name.
FILE_NAME = "![f](http://127.0.0.1:9/f.png) <b>$x$</b>.csv"


def hostile_csv(rows: int = 40, seed: int = 5) -> bytes:
    """A CSV whose header is :data:`HOSTILE`: numeric features, a text column, the target last.

    The target is a noisy linear function of the features, so every fit converges.
    """
    rng = np.random.default_rng(seed)
    features = [name for name in HOSTILE.values() if name not in (TARGET, LEFT_OUT)]
    X = rng.normal(size=(rows, len(features)))
    y = X @ np.linspace(1.0, -1.0, len(features)) + 2.0 + rng.normal(scale=0.1, size=rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*features, LEFT_OUT, TARGET])
    for i in range(rows):
        writer.writerow([*(f"{v:.5f}" for v in X[i]), f"label {i}", f"{y[i]:.5f}"])
    return out.getvalue().encode()
