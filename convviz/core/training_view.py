"""What the Training tab shows, as plain state: no Qt, no TensorFlow.

Events from a run go in (:meth:`TrainingView.add_batch`, :meth:`~TrainingView.add_epoch`,
:meth:`~TrainingView.add_probe`); so do the user's choices (:meth:`~TrainingView.show_page`,
:meth:`~TrainingView.scrub`). The view keeps the run's history, the moment on show (live, or a
kept snapshot the timeline points at) and which parts need redrawing. The tab's one timer asks
:meth:`~TrainingView.take_redraws` what to draw; the panels then render from the view.

Events are duck-typed (``BatchEnd``, ``EpochEnd``, ``Probe`` of :mod:`convviz.training.events`)
and the history is any object with :class:`convviz.training.history.TrainingHistory`'s surface:
the core sits below the training package and imports nothing from it.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

from convviz.core.trends import trend_line

PROGRESS, CURVES, TIMELINE, PAGE = "progress", "curves", "timeline", "page"
PARTS = frozenset({PROGRESS, CURVES, TIMELINE, PAGE})
FEATURE_PAGES = ("activations", "filters")  # the pages drawn from a snapshot
# While training, a feature-map page redraws at most this often: a repaint costs the GUI thread a
# few ms, which it would take from TensorFlow's cores (tests/bench/bench_training_gui.py).
PAGE_INTERVAL_S = 0.5
LIVE = 2**31 - 1  # a scrub index meaning "the live end", however many snapshots came meanwhile


def epoch_end_x(event, steps_per_epoch: int) -> float:
    """Where an EpochEnd's validation point sits on the curves' x axis (epochs): where the run was.

    A run stopped mid-epoch is validated where it stopped (its step), not at the next whole epoch.
    """
    if steps_per_epoch <= 0:
        return float(event.epoch + 1)
    return (event.step + 1) / steps_per_epoch


class TrainingView:
    """The history of one run (or loaded model), the snapshot on show, the visible page, what is dirty."""

    def __init__(self, history: Any, page_interval_s: float = PAGE_INTERVAL_S) -> None:
        self.page_interval_s = page_interval_s
        self.page = ""  # the visible page's name ("activations", "filters", or another)
        self._trend_key: tuple | None = None  # what _trend_cache was made from
        self._trend_cache: tuple[Any, Any] = ((), ())
        self.reset(history)

    def reset(self, history: Any, running: bool = False) -> None:
        """Follow a new, empty history (a new run or a loaded model): live, everything to redraw."""
        self.history = history
        self.running = running
        self.paused = False
        self.steps_per_epoch = 0
        self.latest_batch = None
        self.latest_probe = None
        self.probe_note = ""  # names the moment of a probe that is not from training
        self.snapshots: list = []  # the history's kept probes as of the last sync
        self.pinned = None  # the snapshot on show; None: live
        self._page_drawn = -math.inf
        self._dirty = set(PARTS)

    # -- events in --------------------------------------------------------------------------------

    def add_batch(self, event) -> None:
        """Record a BatchEnd."""
        self.history.add(event)
        self.steps_per_epoch = event.steps_per_epoch
        self.latest_batch = event
        self._dirty |= {PROGRESS, CURVES}

    def add_epoch(self, event) -> None:
        """Record an EpochEnd (its validation point)."""
        self.history.add(event)
        self._dirty.add(CURVES)

    def add_probe(self, probe, note: str = "") -> None:
        """Record a Probe; ``note`` names its moment when it is not from training ("(loaded model)")."""
        self.history.add(probe)
        self.latest_probe, self.probe_note = probe, note
        self._dirty.add(TIMELINE)
        if self.pinned is None:
            self._dirty.add(PAGE)

    def set_running(self, running: bool) -> None:
        """Whether a run feeds the history (the timeline's right end reads "live")."""
        self.running = running
        self._dirty.add(TIMELINE)

    def follow_state(self, state: str) -> None:
        """The run's state from the controls ("running", "paused", …): paused shows, Resume goes live."""
        resumed = self.paused and state == "running"
        self.paused = state == "paused"
        self._dirty |= {PROGRESS, TIMELINE}
        if resumed and self.pinned is not None:
            self.scrub(LIVE)

    def show_page(self, page: str) -> None:
        """The page now visible; a feature page is drawn at the next redraw, unthrottled."""
        self.page = page
        self._dirty.add(PAGE)
        self._page_drawn = -math.inf

    def mark_all(self) -> None:
        """Everything needs redrawing (the tab was hidden and is shown again)."""
        self._dirty |= PARTS
        self._page_drawn = -math.inf

    # -- the moment on show -------------------------------------------------------------------------

    @property
    def is_live(self) -> bool:
        """True when the newest data is on show."""
        return self.pinned is None

    @property
    def shown(self):
        """The probe to draw: the pinned snapshot, or the newest probe when live."""
        return self.latest_probe if self.pinned is None else self.pinned

    @property
    def index(self) -> int:
        """The timeline position of what is on show (the last snapshot when live)."""
        if self.pinned is None:
            return max(0, len(self.snapshots) - 1)
        return next((i for i, probe in enumerate(self.snapshots) if probe is self.pinned), 0)

    def scrub(self, index: int) -> None:
        """Show kept snapshot ``index``; the last one (or beyond) means live."""
        self.sync()
        if not self.snapshots:
            return
        self.pinned = None if index >= len(self.snapshots) - 1 else self.snapshots[max(0, index)]
        self._dirty |= {PAGE, CURVES, TIMELINE}
        self._page_drawn = -math.inf

    def sync(self) -> None:
        """Catch up with the history's kept snapshots; a pinned one thinned out gives way to the nearest older."""
        probes = self.history.probes
        if len(probes) == len(self.snapshots) and (not probes or probes[-1] is self.snapshots[-1]):
            return
        self.snapshots = probes
        self._dirty.add(TIMELINE)
        if self.pinned is not None and not any(probe is self.pinned for probe in probes):
            self.pinned = self.history.snapshot_at(self.pinned.step)
            self._dirty |= {PAGE, CURVES}

    def cursor_x(self) -> float | None:
        """Where the pinned snapshot sits on the curves' x axis (epochs); None when live."""
        return None if self.pinned is None else self.x_of(self.pinned)

    def x_of(self, probe) -> float:
        """Where ``probe`` sits on the curves' x axis (epochs)."""
        if self.steps_per_epoch <= 0:
            return float(max(probe.epoch, 0))
        return (probe.step + 1) / self.steps_per_epoch

    def moment_text(self, probe) -> str:
        """``"epoch e, batch b"`` (1-based) of a snapshot, or ``"before training"``."""
        if probe.step < 0:
            return "before training"
        if self.steps_per_epoch <= 0:
            return f"epoch {probe.epoch + 1}, step {probe.step + 1}"
        return f"epoch {probe.epoch + 1}, batch {probe.step - probe.epoch * self.steps_per_epoch + 1}"

    def caption(self, probe) -> str:
        """``"epoch e · batch b · loss (trend) … · acc (trend) …"``: a GIF frame's caption.

        The numbers are the smoothed trend at that step, the dark line the curves beside it draw
        (not Keras' running mean since the epoch began, nor one noisy batch).
        """
        parts = [self.moment_text(probe).replace(", ", " · ")]
        end = bisect.bisect_right(self.history.batch_steps, probe.step)
        if end:
            loss, accuracy = self._trends()
            parts += [f"loss (trend) {loss[end - 1]:.3f}", f"acc (trend) {accuracy[end - 1]:.1%}"]
        return " · ".join(parts)

    def _trends(self) -> tuple[Any, Any]:
        """The whole run's trend lines, made once per batch count: the trend up to a step is their
        prefix (an exponential mean only looks back), so every frame's caption reads from them."""
        history, per_epoch = self.history, max(1, self.steps_per_epoch)
        key = (id(history), len(history.batch_steps), per_epoch)
        if self._trend_key != key:
            self._trend_cache = (trend_line(history.batch_loss, history.batch_steps, per_epoch),
                                 trend_line(history.batch_accuracy, history.batch_steps, per_epoch))
            self._trend_key = key
        return self._trend_cache

    def position_text(self) -> str:
        """What the timeline says: where it is, how many snapshots are kept, the budget."""
        count, budget = len(self.snapshots), self.history.max_snapshots
        if count < 2:
            return "The timeline fills as the run goes" if self.running else "No run yet: the timeline fills as a run goes"
        if self.pinned is None and self.running:
            text = "paused" if self.paused else "live"
        elif self.pinned is None:
            text = f"end · {self.moment_text(self.snapshots[-1])}"
        else:
            text = self.moment_text(self.pinned)
        return f"{text}   {self.index + 1 if count else 0}/{count} (max {budget})"

    def hint_text(self) -> str:
        """What to do to follow the run again, while a past moment is on show during a run ("" otherwise)."""
        if self.pinned is None or not self.running:
            return ""
        return f"viewing {self.moment_text(self.pinned)} · press End or click Live to follow"

    # -- redrawing ----------------------------------------------------------------------------------

    def take_redraws(self, now: float, force: bool = False) -> frozenset[str]:
        """The parts to redraw now (and so no longer dirty).

        While running, a feature page waits ``page_interval_s`` since its last redraw unless
        ``force``, and a tick that draws it leaves curves and timeline to the next tick; a page
        that is not a feature page has nothing to draw from the view.
        """
        if TIMELINE in self._dirty:
            self.sync()
        parts = set(self._dirty)
        if PAGE in parts:
            if self.page not in FEATURE_PAGES or self.shown is None:
                self._dirty.discard(PAGE)
                parts.discard(PAGE)
            elif self.running and not force and now - self._page_drawn < self.page_interval_s:
                parts.discard(PAGE)
            else:
                self._page_drawn = now
                if self.running and not force:  # the page is the costly part: no tick paints everything
                    parts -= {CURVES, TIMELINE}
        self._dirty -= parts
        return frozenset(parts)
