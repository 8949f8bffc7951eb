// Each view at its own pace while a scrubber is dragged: a view is asked for the latest
// position only, draws it in the next animation frame unless it is still drawing the one
// before, and then draws whatever is latest by then. A fast view (the flat charts) follows
// every frame; a slow one (the 3D scene) skips the positions that went by while it drew, and
// never holds the others back. Once the scrubber stops, every view ends on its last position.
// No DOM: the frame scheduler is given, and node tests it.

export class Pacer {
  // `draw(name, target, drawn)` draws view `name` at `target` (`drawn`: what it shows now,
  // null when unknown) and may return a promise of being done; `frame(fn)` calls `fn` in
  // the next animation frame and returns an id that `cancel(id)` takes.
  constructor(draw, frame, cancel) {
    this.draw = draw;
    this.frame = frame;
    this.cancel = cancel;
    this.views = new Map();
    this.waiters = [];
    this.id = null;
    this.failure = null;
  }

  // Views `names` are to show `target` (a fresh object for each position). Resolves once
  // every view shows the latest position asked of it.
  want(names, target) {
    for (const name of names) this.view(name).wanted = target;
    if (this.id === null) this.id = this.frame(() => this.tick());
    return this.settled();
  }

  // Views `names` show `target` already (drawn anew from it): nothing is waiting.
  drawnAt(names, target) {
    for (const name of names) Object.assign(this.view(name), { wanted: target, drawn: target });
    this.check();
  }

  view(name) {
    if (!this.views.has(name)) this.views.set(name, { wanted: null, drawn: null, busy: false });
    return this.views.get(name);
  }

  tick() {
    this.id = null;
    for (const [name, view] of this.views) {
      if (view.busy || view.wanted === view.drawn) continue;
      const target = view.wanted;
      const drawn = view.drawn;
      view.busy = true;
      let done;
      try {
        done = Promise.resolve(this.draw(name, target, drawn));
      } catch (error) {
        done = Promise.reject(error);
      }
      done
        .catch((error) => (this.failure = error))
        .then(() => {
          Object.assign(view, { busy: false, drawn: target });
          if (view.wanted !== target && this.id === null) this.id = this.frame(() => this.tick());
          this.check();
        });
    }
    this.check();
  }

  // True when every view shows the latest position asked of it.
  idle() {
    return Array.from(this.views.values()).every((v) => !v.busy && v.wanted === v.drawn);
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
    for (const view of this.views.values()) view.wanted = view.drawn;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
  }
}
