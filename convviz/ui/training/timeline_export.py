"""The Training tab's timeline as a GIF: each kept snapshot drawn on the real page and grabbed.

Grabbing renders widgets, so this runs on the GUI thread; it borrows the page for the frames
and the tab redraws it from its view afterwards.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import QTabWidget

from convviz.core.training_view import TrainingView
from convviz.ui.training.activations_panel import ActivationsPanel
from convviz.ui.training.filters_panel import FiltersPanel
from convviz.ui.training.timeline_gif import DEFAULT_FPS, captioned, write_timeline_gif


def export_timeline_gif(path, view: TrainingView, pages: QTabWidget, activations: ActivationsPanel,
                        filters: FiltersPanel, fps: float = DEFAULT_FPS) -> Path:
    """Write one captioned frame per kept snapshot to ``path`` (atomically), of the Activations
    page if it is on show, otherwise of the Filters page.

    Raises ValueError for a wrong name or no snapshots, OSError if the file cannot be written.
    """
    view.sync()
    probes = list(view.snapshots)
    previous = pages.currentWidget()
    page = activations if previous is activations else filters

    def draw(probe) -> None:
        if page is activations:
            activations.show(probe)
        else:
            filters.show_kernels(probe.kernels)

    pages.setCurrentWidget(page)  # a hidden page has no layout to grab
    try:
        for probe in probes:  # first grow the colour levels over the whole run: steady colours
            draw(probe)

        def render(index: int):
            draw(probes[index])
            return captioned(page.grab(), view.caption(probes[index]))

        return write_timeline_gif(path, render, len(probes), fps)
    finally:
        pages.setCurrentWidget(previous)
