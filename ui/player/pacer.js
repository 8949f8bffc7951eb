// Each view at its own pace while a scrubber is dragged: a view is asked for the latest
// position only, draws it in the next animation frame unless it is still drawing the one
// before, and then draws whatever is latest by then. A fast view (the flat charts) follows
// every frame; a slow one (the 3D scene) skips the positions that went by while it drew, and
// never holds the others back. Once the scrubber stops, every view ends on its last position.
// While positions stream in (a position asked before the last was drawn, or soon after it),
// a view may draw a quick sketch instead; the first frame with no new position draws every
// view exactly, at once.
// No DOM: the frame scheduler is given, and node tests it.

// What a draw returns (or resolves to) when it only sketched the position.
export const SKETCHED = "sketched";
// Milliseconds within which a position follows the one before as part of one movement (a
// drag, a key held down), not a step of its own.
export const STREAM_MS = 100;

export class Pacer {
  // `draw(name, target, drawn, quick)` draws view `name` at `target` (`drawn`: what it was
  // last drawn exactly at, null when unknown; `quick`: it may sketch, returning SKETCHED)
  // and may return a promise of being done; `frame(fn)` calls `fn` in the next animation
  // frame and returns an id that `cancel(id)` takes. `rest` ({name: fraction}) lets a view
  // rest that fraction of its last draw's time before it draws again, so that the others get
  // the frames a slow view would take (the 3D scene's redraw holds the whole page's frame);
  // `now()` is the clock, in milliseconds.
  constructor(draw, frame, cancel, { rest = {}, now = () => performance.now() } = {}) {
    this.draw = draw;
    this.frame = frame;
    this.cancel = cancel;
    this.rest = rest;
    this.now = now;
    this.views = new Map();
    this.waiters = [];
    this.id = null;
    this.failure = null;
    // Positions asked so far (and by the last frame), when the last was, and whether it
    // came while positions stream in.
    this.asked = 0;
    this.seen = 0;
    this.askedAt = -Infinity;
    this.quick = false;
  }

  // Views `names` are to show `target` (a fresh object for each position). Resolves once
  // every view shows the latest position asked of it.
  want(names, target) {
    const now = this.now();
    this.quick = !this.idle() || now - this.askedAt < STREAM_MS;
    this.askedAt = now;
    this.asked += 1;
    for (const name of names) this.view(name).wanted = target;
    this.again();
    return this.settled();
  }

  // Views `names` show `target` already (drawn anew from it): nothing is waiting.
  drawnAt(names, target) {
    for (const name of names) {
      Object.assign(this.view(name), { wanted: target, drawn: target, exact: target });
    }
    this.check();
  }

  view(name) {
    if (!this.views.has(name)) {
      const view = { wanted: null, drawn: null, exact: null, busy: false, ready: 0 };
      this.views.set(name, view);
    }
    return this.views.get(name);
  }

  tick() {
    this.id = null;
    // A new position since the last frame: a movement goes on. Else it stopped, and every
    // view draws its last position exactly, without resting.
    const moving = this.asked !== this.seen;
    this.seen = this.asked;
    for (const [name, view] of this.views) {
      if (view.busy || this.shows(view)) continue;
      if (moving && (view.wanted === view.drawn || this.now() < view.ready)) this.again();
      else this.start(name, view, moving && this.quick);
    }
    this.check();
  }

  again() {
    if (this.id === null) this.id = this.frame(() => this.tick());
  }

  start(name, view, quick) {
    const target = view.wanted;
    const began = this.now();
    view.busy = true;
    let done;
    try {
      done = Promise.resolve(this.draw(name, target, view.exact, quick));
    } catch (error) {
      done = Promise.reject(error);
    }
    done
      .then((result) => Object.assign(view, result === SKETCHED ? {} : { exact: target }))
      .catch((error) => {
        this.failure = error;
        view.exact = target;
      })
      .then(() => {
        const ready = this.now() + (this.rest[name] || 0) * (this.now() - began);
        Object.assign(view, { busy: false, drawn: target, ready });
        if (!this.shows(view)) this.again();
        this.check();
      });
  }

  // True when `view` shows, exactly, the latest position asked of it.
  shows(view) {
    return !view.busy && view.wanted === view.drawn && view.drawn === view.exact;
  }

  // True when every view shows the latest position asked of it.
  idle() {
    return Array.from(this.views.values()).every((v) => this.shows(v));
  }

  settled() {
    if (this.idle()) return this.failure ? Promise.reject(this.take()) : Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  take() {
    const failure = this.failure;
    this.failure = null;
    return failure;
  }

  check() {
    if (!this.idle() || !this.waiters.length) return;
    const waiters = this.waiters;
    this.waiters = [];
    const failure = this.take();
    for (const w of waiters) (failure ? w.reject(failure) : w.resolve());
  }

  // Stop: no frame is asked for any more, and nobody waits.
  stop() {
    if (this.id !== null) this.cancel(this.id);
    this.id = null;
    for (const view of this.views.values()) Object.assign(view, { wanted: view.drawn, exact: view.drawn });
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
  }
}
