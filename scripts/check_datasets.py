"""Walk every data choice through the app and check what a learner sees about the rate.

For each of the 9 data choices (the presets, the bundled datasets and the
generator's defaults) the Descent page is opened through ``app.py`` with
AppTest, as a server would, and three things are checked:

1. **opens**: at the default learning rate the run does not diverge (no
   error box, "Stopped because" is not "diverged", a finite final loss);
2. **fix**: at the largest rate the control offers, the page explains the
   divergence and offers a one-click rate ("Use η = …"); after the click the
   run converges: no divergence, and a final loss within 1 % of the closed
   form's (the rule of :func:`core.advice.converged`);
3. **limit**: at the first rate of the control above the limit the page
   states (sidebar "Stable below 2/λmax = **…**"), the page itself (not only
   the sidebar) says the run diverges.

Run from the repository root: ``python scripts/check_datasets.py 2>/dev/null``
(AppTest logs "missing ScriptRunContext" notices on stderr). It prints
one row per choice and the count of choices passing all three checks; the
exit status is 0 when all pass.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit.testing.v1.app_test as app_test  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from core.data import BUNDLED, PRESETS  # noqa: E402
from tests.app.routing import NavigationPages  # noqa: E402
from ui.settings import LEARNING_RATES  # noqa: E402

APP = str(ROOT / "app.py")
TIMEOUT = 120
#: A converged run ends within this share of the optimum loss.
ARRIVED = 0.01

CHOICES: list[tuple[str, dict]] = [
    *((f"preset:{key}", {"data_source": "preset", "preset": key}) for key in PRESETS),
    *((f"bundled:{key}", {"data_source": "bundled", "bundled": key}) for key in BUNDLED),
    ("generate:defaults", {"data_source": "generate"}),
]


def _open(state: dict) -> AppTest:
    app_test.PagesManager = NavigationPages
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
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
    parts += [f"{m.label}: {m.value}" for m in main.metric]
    return "\n".join(parts)


def _metric(at: AppTest, label: str) -> str | None:
    return next((m.value for m in at.main.metric if m.label == label), None)


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
        found = re.search(r"Stable below 2/λmax = \*\*([^*]+)\*\*", text)
        if found:
            return _number(found.group(1))
    return None


def check(state: dict) -> dict:
    """The three checks for one data choice; each a (passed, note) pair."""
    at = _open(state)
    opens = not _diverged(at) and math.isfinite(_number(_metric(at, "Final loss")))
    rate = state.get("learning_rate", at.session_state["learning_rate"])
    result = {"opens": (opens, f"η = {rate:g}")}

    top = max(LEARNING_RATES)
    at = _open({**state, "learning_rate": top})
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
        at = _open({**state, "learning_rate": above})
        says = "diverg" in _main_text(at).lower()
        result["limit"] = (says, f"limit {limit:.3g}, η = {above:g}")
    return result


def main() -> int:
    """Print the table and the count; return 0 when every choice passes."""
    passed = 0
    print(f"{'data choice':<28} {'opens':<24} {'fix':<48} {'limit'}")
    for name, state in CHOICES:
        result = check(state)
        ok = all(p for p, _ in result.values())
        passed += ok
        cells = [f"{'PASS' if p else 'FAIL'} {note}" for p, note in result.values()]
        print(f"{name:<28} {cells[0]:<24} {cells[1]:<48} {cells[2]}", flush=True)
    print(f"\n{passed} of {len(CHOICES)} data choices pass all three checks.")
    return 0 if passed == len(CHOICES) else 1


if __name__ == "__main__":
    sys.exit(main())
