"""Draws a :class:`~convviz.core.training_view.TrainingView` on the Training tab's panels.

The view says which parts changed; the painter draws those and nothing else: progress, curves
(with the timeline's cursor), the timeline bar, and the visible feature page from the probe on show.
"""

from __future__ import annotations

import time
from pathlib import Path

from PyQt6.QtWidgets import QTabWidget

from convviz.core.training_view import CURVES, PAGE, PROGRESS, TIMELINE, TrainingView
from convviz.ui.training.activations_panel import ActivationsPanel
from convviz.ui.training.curves_panel import CurvesPanel
from convviz.ui.training.filters_panel import FiltersPanel
from convviz.ui.training.progress_panel import ProgressPanel
from convviz.ui.training.timeline_bar import TimelineBar
from convviz.ui.training.timeline_export import export_timeline_gif
from convviz.ui.training.timeline_gif import DEFAULT_FPS


class ViewPainter:
    """The panels a view is drawn on, and the page widget that tells which one is visible."""

    def __init__(self, progress: ProgressPanel, curves: CurvesPanel, timeline: TimelineBar,
                 activations: ActivationsPanel, filters: FiltersPanel, pages: QTabWidget) -> None:
        self.progress, self.curves, self.timeline = progress, curves, timeline
        self.activations, self.filters, self.pages = activations, filters, pages

    def page_name(self) -> str:
        """The visible page as the view names it ("activations", "filters", or "")."""
        current = self.pages.currentWidget()
        return {self.activations: "activations", self.filters: "filters"}.get(current, "")

    def clear(self, epochs: int = 1) -> None:
        """Empty pictures and curves spanning ``epochs`` (a new run or model)."""
        self.activations.reset()
        self.filters.reset()
        self.curves.reset(epochs)
        self.timeline.stop_playing()
        self.timeline.set_empty_note("")

    def paint(self, view: TrainingView, parts: frozenset[str]) -> None:
        """Draw ``parts`` (from :meth:`TrainingView.take_redraws`) of ``view``."""
        self.timeline.set_gif_page("Activations" if self.pages.currentWidget() is self.activations else "Filters")
        if PROGRESS in parts:
            self.progress.set_paused(view.paused)
            if view.latest_batch is not None:
                self.progress.show_batch(view.latest_batch)
        if CURVES in parts:
            self.curves.draw(view.history, view.steps_per_epoch)
            self.curves.set_cursor(view.cursor_x())
        if TIMELINE in parts:
            self.timeline.render(view)
        if PAGE in parts:
            probe = view.shown
            if view.page == "activations":
                self.activations.show(probe, view.probe_note if view.is_live else "")
            else:
                self.filters.show_kernels(probe.kernels)

    def export_gif(self, path, view: TrainingView, fps: float = DEFAULT_FPS) -> Path:
        """The timeline as a GIF (see :func:`~convviz.ui.training.timeline_export.export_timeline_gif`)."""
        try:
            return export_timeline_gif(path, view, self.pages, self.activations, self.filters, fps)
        finally:
            view.mark_all()  # the frames borrowed the page: back to what the view shows
            self.paint(view, view.take_redraws(time.monotonic(), force=True))
