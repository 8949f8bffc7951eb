"""The three checks every data choice must pass on the Descent page, as a learner sees it.

For each data choice (every preset, every bundled dataset, the generator's
defaults) the page is opened through ``app.py`` with AppTest, as a server would:

1. **opens**: at the rate it opens on the run does not diverge (no error box,
   "Stopped because" is not "diverged", a finite final loss);
2. **fix**: at the largest rate of the ladder the page explains the divergence
   and offers a one-click fix ("Use η = …"); after the click the run converges:
   a final loss within 1 % of the closed form's (:func:`core.advice.converged`);
3. **limit**: at the first ladder stop above the limit the sidebar states
   ("Stable below … = **…**"), the page itself says the run diverges.

Rates are set the way people set them: typed into the sidebar's rate box.
Used by ``tests/app/test_every_dataset.py`` and ``scripts/check_datasets.py``.
"""

from __future__ import annotations

import math
import re

from streamlit.testing.v1 import AppTest

from core.advice import ARRIVED
from core.data import BUNDLED, PRESETS
from tests.app.helpers import APP, stated
from ui.settings import LEARNING_RATES
from ui.state import RATE_TYPED

TIMEOUT = 120

CHOICES: list[tuple[str, dict]] = [
    *((f"preset:{key}", {"data_source": "preset", "preset": key}) for key in PRESETS),
    *((f"bundled:{key}", {"data_source": "bundled", "bundled": key}) for key in BUNDLED),
    ("generate:defaults", {"data_source": "generate"}),
]


def _open(state: dict, rate: float | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if rate is not None:
        at.number_input(key=RATE_TYPED).set_value(rate).run()
    return at


def _texts(elements) -> list[str]:
    return [str(getattr(e, "value", "")) for e in elements]


def _main_text(at: AppTest) -> str:
    """Every text the page body shows (errors, warnings, prose, captions, metric values)."""
    main = at.main
    parts = [
        *_texts(main.error),
        *_texts(main.warning),
        *_texts(main.info),
        *_texts(main.success),
        *_texts(main.markdown),
        *_texts(main.caption),
    ]
    parts += [f"{label}: {value}" for label, value in stated(at).items()]
    return "\n".join(parts)


def _metric(at: AppTest, label: str) -> str | None:
    return stated(at).get(label)


def _number(text: str | None) -> float:
    try:
        return float(str(text).replace(",", ""))
    except (TypeError, ValueError):
        return math.nan


def _diverged(at: AppTest) -> bool:
    return bool(at.exception) or _metric(at, "Stopped because") == "diverged" or bool(at.main.error)


def _converged(at: AppTest) -> tuple[bool, str]:
    if _diverged(at):
        return False, "diverged"
    final = _number(_metric(at, "Final loss"))
    best = _number(_metric(at, "Optimum loss"))
    if not (math.isfinite(final) and math.isfinite(best)):
        return False, f"loss not finite ({final:.3g})"
    excess = (final - best) / best if best > 0 else final
    return excess <= ARRIVED, f"loss {excess:.2%} above optimum"


def _stated_limit(at: AppTest) -> float | None:
    for text in _texts(at.sidebar.markdown):
        found = re.search(r"Stable below [^=]+ = \*\*([^*]+)\*\*", text)
        if found:
            return _number(found.group(1))
    return None


def check(state: dict) -> dict:
    """The three checks for one data choice; each a (passed, note) pair."""
    at = _open(state)
    opens = not _diverged(at) and math.isfinite(_number(_metric(at, "Final loss")))
    rate = at.session_state["learning_rate"]
    result = {"opens": (opens, f"η = {rate:g}")}

    top = max(LEARNING_RATES)
    at = _open(state, top)
    explained = "diverg" in _main_text(at).lower()
    button = next((b for b in at.main.button if b.label.startswith("Use η")), None)
    if not (explained and button):
        result["fix"] = (False, "no explanation" if not explained else "no one-click rate")
    else:
        button.click().run()
        passed, note = _converged(at)
        result["fix"] = (passed, f"{button.label}: {note}")

    limit = _stated_limit(at)
    above = next((r for r in sorted(LEARNING_RATES) if limit and r > limit), None)
    if above is None:
        result["limit"] = (True, f"limit {limit} above every stop")
    else:
        at = _open(state, above)
        says = "diverg" in _main_text(at).lower()
        result["limit"] = (says, f"limit {limit:.3g}, η = {above:g}")
    return result
