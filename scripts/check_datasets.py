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

The checks live in ``tests/app/dataset_checks.py`` (the page tests run them too).
Run from the repository root: ``python scripts/check_datasets.py 2>/dev/null``
(AppTest logs "missing ScriptRunContext" notices on stderr). It prints
one row per choice and the count of choices passing all three checks; the
exit status is 0 when all pass.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit.testing.v1.app_test as app_test

from tests.app.dataset_checks import CHOICES, check
from tests.app.routing import NavigationPages


def main() -> int:
    """Print the table and the count; return 0 when every choice passes."""
    app_test.PagesManager = NavigationPages  # route through app.py, as the server does
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
