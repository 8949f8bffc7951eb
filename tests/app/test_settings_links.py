"""Every setting at its edges survives widget -> URL -> a new session opening that URL."""

import pytest
from streamlit.testing.v1 import AppTest

from core.optimizers import RULES
from core.schedules import REGISTRY as SCHEDULES
from tests.app.helpers import APP, TIMEOUT, open_link
from ui.settings import SCHEMA, SETTINGS
from ui.state import RATE_TYPED, START_AND_STOP, URL_PROBLEMS

#: What must be chosen first for a setting's widget to be drawn.
SHOWN_WHEN = {
    **{s.key: {"data_source": "generate"} for s in SETTINGS if s.key.startswith("gen_")},
    "bundled": {"data_source": "bundled"},
    # Each hyperparameter's control shows with the last rule that takes it (β with Nesterov).
    **{h.name: {"optimizer": name} for name, rule in RULES.items() for h in rule.controls},
    "batch_size": {"batch_mode": "mini"},
    "shuffle": {"batch_mode": "mini"},
    "tol_on": {START_AND_STOP: True, "batch_mode": "mini", "tol": 1e-3},
    **{key: {START_AND_STOP: True} for key in ("tol", "init_weight", "init_bias", "seed")},
    **{f"window_{axis}_{end}": {"window": True} for axis in "xy" for end in ("from", "to")},
    **{p.key: {"schedule": name} for name, s in SCHEDULES.items() for p in s.parameters},
}
#: Settings whose widget options depend on the data (checked by the upload tests).
DATA_DEPENDENT = {"target", "features", "gen_coef"}
#: Edges that would make the run itself needlessly long in a test.
SLOW = {("gen_rows", "high"), ("epochs", "high"), ("batch_size", "high")}


def _cases():
    for setting in SETTINGS:
        # A setting without a widget (the open challenge, the progress) has its own tests.
        if setting.key in DATA_DEPENDENT or setting.kind in ("bool",) or not setting.widget:
            continue
        if setting.kind in ("int", "float"):
            for edge in ("low", "high"):
                if (setting.key, edge) not in SLOW:
                    yield pytest.param(
                        setting.key, getattr(setting, edge), id=f"{setting.key}-{edge}"
                    )
        else:
            yield pytest.param(setting.key, setting.choices[-1], id=f"{setting.key}-last")
    for key in ("fit_intercept", "standardize", "shuffle", "window", "present", "log_loss"):
        yield pytest.param(key, not SCHEMA[key].default, id=f"{key}-flipped")
    yield pytest.param("beta", 0.9995, id="beta-0.9995")
    yield pytest.param("learning_rate", 0.99, id="learning_rate-typed-0.99")


def _widget(at: AppTest, key: str):
    if key == "learning_rate":
        # Any rate is typed; the ladder's stops are checked in the Descent page's tests.
        return at.number_input(key=RATE_TYPED)
    return getattr(at, SCHEMA[key].widget)(key=key)


@pytest.mark.parametrize(("key", "value"), _cases())
def test_a_setting_set_by_its_widget_opens_the_same_from_the_link(key, value):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    for other, wanted in SHOWN_WHEN.get(key, {}).items():
        if other == START_AND_STOP:  # a section opened, not a setting
            at.session_state[other] = wanted
            at.run()
        else:
            _widget(at, other).set_value(wanted).run()
    if key in ("batch_size", "shuffle", "tol_on"):
        at.number_input(key="epochs").set_value(10).run()
    _widget(at, key).set_value(value).run()
    assert not at.exception, at.exception
    link = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    # A default stays out of the link, and a new session starts from it anyway.
    assert link.get(key) == (None if value == SCHEMA[key].default else SCHEMA[key].encode(value))

    opened = open_link(link)
    assert not opened.exception, opened.exception
    assert opened.session_state[key] == value
    assert not opened.session_state[URL_PROBLEMS]
