"""The Descent page's player: four views drawn and played back in the browser.

A ``st.components.v2`` component (the modules of ``ui/player/``, joined into one
file of ``static/`` that the browser fetches once, and ``player.css``) draws the fit,
the loss curve, the 3D loss surface and its contour map with plotly.js and updates
them in place. It uses the plotly.js already on the page
(Streamlit's chart bundle) when there is one, else this app's copy served gzipped from
``static/`` and unpacked by the browser; either way no other host is asked. It receives
every rate of a learning-rate ladder at once, so the rate scrubber, the epoch scrubber and
playback move every view without a server round trip; releasing the rate scrubber sets the
sidebar's rate.

What it is sent is bytes: a one-line header (the sidebar's rate, the body's
content key), a newline, then the body, built once per problem, settings and
view (see :func:`charts.player_data.player_data`) and reused by every rerun
that changes only the rate. The body goes out only when the browser may lack
it: after a rerun that sent it to the element already on the page, the header
alone follows (a rate change sends about a hundred bytes). Should the browser
ever get a header whose body it does not hold (its element was re-created), it
says so through the element's ``missing`` state and the next run sends the body.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import json
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import plotly
import streamlit as st

from charts import style
from charts.labels import parameter_names
from charts.player_data import PlayerView, RateStrip, player_data
from charts.race import race_data
from charts.views import Look
from core.budget import OverBudget
from core.schedules import checked_parameters
from core.settings import Settings
from core.verdict import verdict
from ui import compute
from ui.pins import label
from ui.settings import LEARNING_RATES, SCHEMA, nearest_rate
from ui.state import RATE_LADDER
from ui.store import cached

HERE = Path(__file__).parent / "player"
STATIC = Path(__file__).resolve().parents[1] / "static"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
#: Key of the player's element (its state, the rate released on it, is under this key).
KEY = "player"
#: Key of the Compare page's race element.
RACE_KEY = "race_player"
#: Session key of the player's memory: the sweep and body kept for this session's
#: settings, and per element (``{key}:sent``) the body key last sent to it and
#: (``{key}:answered``) the last ``missing`` report answered by sending the body again.
MEMORY = "player:memory"
#: Key of the element that starts loading plotly.js at the top of a page.
PRELOAD_KEY = "player_preload"
#: Most parameter updates a sweep of the ladder may make (full batch: epochs x rates).
SWEEP_UPDATES = 60_000


def ensure_plotly_js(static: Path = STATIC, source: Path = PLOTLY_JS) -> Path:
    """Write plotly.js gzipped into ``static`` unless it is there already; returns its path.

    The server sends files of ``static/`` through its gzip layer, which compresses
    them again for every request: 0.2 s of the server's CPU for each browser that
    opens the page. A ``.gz`` file goes out as it is (``application/gzip``), and the
    player unpacks it in the browser.
    """
    target = static / f"{source.name}.gz"
    wanted = source.read_bytes()
    if target.exists():
        with gzip.open(target, "rb") as held, contextlib.suppress(OSError, EOFError):
            if held.read() == wanted:
                return target
    return write_static(target, gzip.compress(wanted, compresslevel=9, mtime=0))


def write_static(target: Path, data: bytes) -> Path:
    """Write ``data`` as ``target`` (a file of ``static/``) unless it holds them already.

    Written under a name of this process and thread, then renamed, so a browser never
    loads half a file and two servers starting at once cannot clash.
    """
    if target.exists() and target.read_bytes() == data:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.{os.getpid()}.{threading.get_ident()}"
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


ensure_plotly_js()

#: ``import { a, b } from "./file.js";``: the one form of import the player's modules use.
IMPORT = re.compile(r'^import \{([^}]*)\} from "\./([\w-]+\.js)";\n', re.MULTILINE)


def joined_module(folder: Path = HERE, entry: str = "index.js") -> str:
    """The player's ES modules in ``folder`` as one module, ``entry`` last.

    Streamlit runs a component's ``js`` as one inline module, from which relative
    imports cannot resolve; each module is written after the modules it imports, without
    its import lines and ``export`` words (the entry keeps its ``export default``). The
    modules share one scope, so two of them declaring one name is a syntax error there,
    which the JS tests catch.

    Raises
    ------
    ValueError
        For an import that renames (``as``) or that loops back to a module being joined.
    """
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in order:
            return
        if name in path:
            raise ValueError(f"the player's modules import in a loop: {' -> '.join(path)}")
        text = (folder / name).read_text(encoding="utf-8")
        for names, imported in IMPORT.findall(text):
            if " as " in names:
                raise ValueError(f"{name} renames an import ({names.strip()}); join needs names")
            visit(imported, (*path, name))
        order.append(name)

    visit(entry, ())
    parts = []
    for name in order:
        text = IMPORT.sub("", (folder / name).read_text(encoding="utf-8"))
        if name != entry:
            text = re.sub(r"^export (?!default)", "", text, flags=re.MULTILINE)
        parts.append(f"// ---- {name} ----\n{text}")
    return "\n".join(parts)


def module_file(static: Path = STATIC) -> Path:
    """Write the player's joined module into ``static``, named by its content; its path.

    Streamlit sends a component's inline ``js`` with the element on every rerun (80 KB
    here, for each rate change). The element's own ``js`` only imports this file, which
    the browser fetches once and keeps; a new version of the player gets a new name.
    """
    code = joined_module().encode()
    return write_static(static / f"player.{hashlib.sha1(code).hexdigest()[:12]}.js", code)


#: The element's own ``js``: runs the player's module from ``static/`` once it has loaded
#: (calls made before that run then, the latest last), and says so if it cannot load.
LOADER = """
const loading = import(new URL(%s, document.baseURI).href);
let player = null;
loading.then((module) => { player = module.default; }, () => null);
export default function (component) {
  if (player) return player(component);
  let cleanup = null;
  let gone = false;
  loading.then(
    (module) => { if (!gone) cleanup = module.default(component); },
    () => { component.parentElement.textContent = "The player could not load: reload the page."; },
  );
  return () => { gone = true; if (cleanup) cleanup(); };
}
"""


def _base_url() -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


def _module_url() -> str:
    return f"{_base_url()}app/static/{module_file().name}"


_component = st.components.v2.component(
    "downhill_player",
    js=LOADER % json.dumps(_module_url()),
    css=(HERE / "player.css").read_text(encoding="utf-8"),
    isolate_styles=False,
)


def rate_ladder(settings: Settings, problem, pins: int = 0) -> tuple[tuple[float, ...], int]:
    """The rates the player can switch between, and the index of the settings' rate.

    The whole ladder of the learning-rate control when a sweep of it stays
    within :data:`SWEEP_UPDATES` updates and the server's budget; otherwise the
    stops around the current rate that do. Each of ``pins`` pinned runs counts as one
    more run of the sweep, so the ladder leaves room for them. A typed rate that is not a stop
    joins the ladder, so the run shown is always the run at the settings' own rate.
    Stops the schedule refuses (below a cosine schedule's final rate, say) are left
    out, as the engine would not run them.
    """
    rate = settings.learning_rate
    ladder = _ladder_for(settings.schedule, settings.schedule_params) or (rate,)
    per_run = max(1, settings.updates(len(problem.y)))
    fits = compute.most_rates(problem, settings, len(ladder) + pins) - pins
    count = max(1, min(len(ladder), SWEEP_UPDATES // per_run - pins, fits))
    at = ladder.index(nearest_rate(rate, ladder))
    start = min(max(0, at - count // 2), len(ladder) - count)
    rates = ladder[start : start + count]
    if rate not in rates:
        rates = tuple(sorted((*rates, rate)))
    return rates, rates.index(rate)


@functools.lru_cache(maxsize=64)  # bounded: a link can name any parameters
def _ladder_for(schedule: str, params: tuple[tuple[str, float], ...]) -> tuple[float, ...]:
    """The ladder's stops a run with this schedule may start from (its parameters hold)."""
    return tuple(r for r in LEARNING_RATES if _schedule_takes(schedule, params, r))


def _schedule_takes(schedule: str, params: tuple[tuple[str, float], ...], rate: float) -> bool:
    """True when the schedule's parameters hold for a run starting at ``rate``."""
    try:
        checked_parameters(schedule, rate, **dict(params))
    except ValueError:
        return False
    return True


def _use_rate() -> None:
    rate = st.session_state[KEY].get("rate")
    try:
        st.session_state["learning_rate"] = SCHEMA["learning_rate"].check(rate)
    except (TypeError, ValueError):
        return  # not a rate: nothing the browser sends may change the settings


def render(ctx, settings: Settings, view: PlayerView, *, present: bool = False, pins=()) -> None:
    """Draw the player for the page's problem and settings (runs from the ladder's sweep).

    ``view`` says what the views show (surface axes and window, the fit's feature, the
    loss axis). ``present`` shows one view at a time, wide and in large type, for a
    projector (the header carries it, so switching it sends no body). ``pins`` are the
    pinned runs (:func:`pinned_runs`), drawn static in every view.
    """
    rates, selected = _ladder(ctx, settings, len(pins))
    base = replace(settings, learning_rate=0.0)
    held = tuple((look, pinned) for look, pinned, _ in pins)
    body = _kept(
        "body",
        (ctx.problem_key, base, rates, view, held),
        lambda: _body(ctx.problem_key, ctx.upload, base, rates, view, ctx.spectrum, held, pins),
    )
    header = {
        "mode": "ladder",
        "selected": selected,
        "present": bool(present),
        "follow": sidebar_stops(rates),
    }
    _send(KEY, body, header, on_rate_change=_use_rate)


def sidebar_stops(rates) -> dict:
    """What lets the player follow the sidebar's rate slider while it moves.

    The slider's widget key (Streamlit gives its element the CSS class
    ``st-key-<key>``), and for each of the player's runs the index of its rate
    among the slider's stops (-1 for a typed rate that is not a stop): moving
    the slider to a stop the player holds shows that run at once, before the
    server's rerun comes back.
    """
    stops = {rate: i for i, rate in enumerate(LEARNING_RATES)}
    return {"key": RATE_LADDER, "stops": [stops.get(r, -1) for r in rates]}


def render_race(ctx, runs, *, settings, axes, log_loss: bool, log_epochs: bool) -> None:
    """Draw the Compare page's race in the player: every run at once, one epoch scrubber.

    Parameters
    ----------
    ctx : the router's context (its problem)
    runs : list of (str, Run)
        Each run's label and result.
    settings : tuple of Settings
        Each run's settings, in order: with the labels they are the cache key of
        what the player draws.
    axes : tuple of int or None
        The surface's parameters (None: the data's most elongated pair).
    log_loss, log_epochs : bool
        Log axes: the gap L − L* and the epoch.
    """
    names = tuple(name for name, _ in runs)
    body = _race_body(
        ctx.problem_key, ctx.upload, settings, names, axes, log_loss, log_epochs, runs
    )
    _send(RACE_KEY, body, {"mode": "race"})


def preload() -> None:
    """Start loading plotly.js at the top of a page, before the player's own element arrives.

    The browser compiles the 4.6 MB library while it draws the rest of the page,
    so the player's first chart does not wait for it. Draws nothing.
    """
    header = {"mode": "preload", "plotly": _plotly_url()}
    _component(key=PRELOAD_KEY, data=json.dumps(header).encode() + b"\n")


def _plotly_url() -> str:
    return f"{_base_url()}app/static/{PLOTLY_JS.name}.gz"


def _send(key: str, body: _Body, header: dict, **callbacks) -> None:
    header = {**header, "key": body.key, "plotly": _plotly_url()}
    sent = b"" if _browser_holds(key, body.key) else body.data
    payload = json.dumps(header).encode() + b"\n" + sent
    _component(key=key, data=payload, on_missing_change=_no_op, **callbacks)


def _no_op() -> None:
    """The ``missing`` report needs no callback: the run it starts resends the body."""


def _browser_holds(element: str, key: str) -> bool:
    """True when the previous run sent body ``key`` to ``element``, still on the page.

    The element's state is in the session only while the element was drawn by
    the previous run; a page change or a report that the body is missing makes
    the body go out again.
    """
    drawn = st.session_state.get(element)
    kept = _memory()
    missing = drawn.get("missing") if drawn is not None else None
    holds = drawn is not None and kept.get(f"{element}:sent") == key
    if missing and missing != kept.get(f"{element}:answered"):
        kept[f"{element}:answered"] = missing
        holds = False
    kept[f"{element}:sent"] = key
    return holds


def end_page() -> NoReturn:
    """End the page's run here, before its player is drawn (``st.stop``).

    A stopped run keeps the state of every element it did not draw, the players'
    among them, so the next run would take the browser to hold the body sent before
    the stop; but the browser dropped those elements, and a new one told the header
    alone asks for the body in a run of its own, which carries the page's widgets as
    they were before the click that started this one. So the body goes out again.
    """
    kept = _memory()
    for element in (KEY, RACE_KEY):
        kept.pop(f"{element}:sent", None)
    st.stop()


def runs_for(ctx, settings: Settings, pins: int = 0):
    """The ladder's runs for these settings (cached) and the one at the settings' rate,
    leaving room in the budget for ``pins`` pinned runs.

    The runs stay in the server's one byte-bounded store, not in the session, so a
    class of sessions holds each sweep once and never more than the store allows.
    """
    rates, selected = _ladder(ctx, settings, pins)
    runs = compute.sweep_runs(ctx.problem_key, ctx.upload, settings, rates)
    return runs, runs[selected]


def _ladder(ctx, settings: Settings, pins: int) -> tuple[tuple[float, ...], int]:
    """:func:`rate_ladder`, worked out once a run: the page and the player both ask for it."""
    return _kept(
        "ladder",
        (ctx.problem_key, settings, pins),
        lambda: rate_ladder(settings, ctx.problem, pins),
    )


def _kept(name: str, key: tuple, make):
    """``make()``, kept in this session for as long as ``key`` stays equal.

    A rerun that changes only the rate finds the same body here by a plain
    comparison, skipping the hashing of its arguments that a cache lookup costs
    on every rerun.
    """
    kept = _memory()
    held = kept.get(name)
    if held is None or held[0] != key:
        held = kept[name] = (key, make())
    return held[1]


def _memory() -> dict:
    """The player's one session entry: kept results, and what each element was last sent."""
    return st.session_state.setdefault(MEMORY, {})


class _Body:
    """The player's body: JSON bytes and their content key."""

    def __init__(self, data: dict) -> None:
        self.data = json.dumps(data, allow_nan=False, separators=(",", ":")).encode()
        self.key = hashlib.sha1(self.data).hexdigest()[:16]


def pinned_runs(ctx, pins: Sequence[Settings]) -> tuple[list[tuple], list[str]]:
    """Each pinned run as ``(look, settings, run)``, from the cache, and why any is not drawn.

    A pin is one more run of the live run's size, checked against the server's budget
    before it starts like every run; one that does not fit, or whose settings cannot run
    (a tampered link's), is left out and said.
    """
    drawn, notes = [], []
    for i, settings in enumerate(pins):
        look = Look(label(i, settings), style.PIN_COLORS[i % len(style.PIN_COLORS)])
        try:
            drawn.append(
                (look, settings, compute.run_descent(ctx.problem_key, ctx.upload, settings))
            )
        except OverBudget as error:
            notes.append(f"Pin {i + 1} is not drawn: it was not started. {error}")
        except ValueError as error:
            notes.append(f"Pin {i + 1} is not drawn: its settings cannot run ({error}).")
    return drawn, notes


@cached()
def _body(problem_key, _upload, settings, rates, view: PlayerView, _spectrum, pins, _runs) -> _Body:
    """The player's body; ``pins`` (look and settings each) key the pinned ``_runs``."""
    problem = compute.problem(problem_key, _upload)
    runs = compute.sweep_runs(problem_key, _upload, settings, rates)
    strip = rate_strip(_spectrum, settings, runs)
    drawn = [(look, run) for look, _, run in _runs]
    return _Body(player_data(runs, rates, problem, view, strip, pins=drawn))


def rate_strip(spectrum, settings: Settings, runs) -> RateStrip:
    """What the rate scrubber (and the rate curve) says of each of the ladder's ``runs``.

    Each rate's regime by theory; mini-batch steps are noisy, so a rate the full-batch
    limit allows may still diverge, and there the strip says what each run did. Under a
    schedule the theory is of the starting rate only: a run that starts past the limit
    and is brought back by the schedule swings and converges (it "oscillates"), and only
    a run that blew up "diverges".
    """
    scheduled = settings.schedule != "constant"
    full = settings.batch_size is None and not scheduled
    said = [
        verdict(
            spectrum,
            settings.optimizer,
            run.settings.learning_rate,
            settings.optimizer_params,
            run=None if full else run,
        )
        for run in runs
    ]
    return RateStrip(
        limit=said[0].limit,
        regimes=tuple(_regime(v, scheduled) for v in said),
        rule_name=said[0].rule_name,
    )


def _regime(said, scheduled: bool) -> str:
    """The strip's regime for one rate's verdict (see :func:`rate_strip`)."""
    if not scheduled:
        return "diverges" if said.diverges else said.regime
    if said.outcome in ("diverged", "diverging"):
        return "diverges"
    return "oscillates" if said.regime == "diverges" else said.regime


@cached()
def _race_body(problem_key, _upload, settings, names, axes, log_loss, log_epochs, _runs) -> _Body:
    problem = compute.problem(problem_key, _upload)
    return _Body(
        race_data(
            list(_runs),
            problem.fit,
            problem.loss,
            param_names=parameter_names(problem.feature_names, problem.loss.fit_intercept),
            axes=axes,
            log_loss=log_loss,
            log_epochs=log_epochs,
        )
    )
