"""The Training tab's timeline as a GIF: each kept snapshot drawn on the real page and grabbed.

Grabbing renders widgets, so this runs on the GUI thread (a GuiTask, a frame per event-loop
turn, or all at once); it borrows the page for the frames
and the tab redraws it from its view afterwards.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
from PyQt6.QtWidgets import QTabWidget, QWidget

from convviz.core.gif_curves import RunCurves, curves_image
from convviz.core.training_view import TrainingView, epoch_end_x
from convviz.ui.message_bar import MessageBar
from convviz.ui.studio.export import progress_dialog
from convviz.ui.training.activations_panel import ActivationsPanel
from convviz.ui.training.curves_panel import trend_line
from convviz.ui.training.filters_panel import FiltersPanel
from convviz.core.gif_stream import run_steps
from convviz.ui.training.timeline_gif import DEFAULT_FPS, captioned, timeline_gif_steps
from convviz.ui.worker import GuiTask, Worker, report_failures

CURVES_WIDTH = 280  # pixels of each frame given to the loss and accuracy curves
CURVES_MIN_HEIGHT = 220  # a short page still gets readable curves (the frame grows to fit them)


def run_curves_of(view: TrainingView) -> RunCurves:
    """The view's run as the GIF draws its curves: trend lines and validation points against epochs."""
    history, per_epoch = view.history, max(1, view.steps_per_epoch)
    steps = np.asarray(history.batch_steps, dtype=np.float64)
    x = (steps + 1) / per_epoch
    val_x = np.asarray([epoch_end_x(event, view.steps_per_epoch) for event in history.epochs], dtype=np.float64)
    ends = [float(x[-1]) if len(x) else 0.0, float(val_x.max(initial=0.0)), 1.0]
    return RunCurves(
        x=x, loss=trend_line(history.batch_loss, history.batch_steps, per_epoch),
        accuracy=trend_line(history.batch_accuracy, history.batch_steps, per_epoch), val_x=val_x,
        val_loss=np.asarray([event.val_loss for event in history.epochs], dtype=np.float64),
        val_accuracy=np.asarray([event.val_accuracy for event in history.epochs], dtype=np.float64),
        x_max=float(math.ceil(max(ends) - 1e-9)),
    )


def export_timeline_gif(path, view: TrainingView, pages: QTabWidget, activations: ActivationsPanel,
                        filters: FiltersPanel, fps: float = DEFAULT_FPS) -> Path:
    """Write one captioned frame per kept snapshot to ``path`` (atomically), of the Activations
    page if it is on show, otherwise of the Filters page, with the loss and accuracy curves up to
    that snapshot beside it: :func:`timeline_export_steps` run to the end.

    Raises ValueError for a wrong name or no snapshots, OSError if the file cannot be written.
    """
    return run_steps(timeline_export_steps(path, view, pages, activations, filters, fps))


def timeline_export_steps(path, view: TrainingView, pages: QTabWidget, activations: ActivationsPanel,
                          filters: FiltersPanel, fps: float = DEFAULT_FPS):
    """The timeline GIF step-wise, for a :class:`~convviz.ui.worker.GuiTask`: yields ``(done, count)``
    after each frame, returns the path; closed early it writes nothing. Each frame is drawn and
    grabbed within one step, so redraws between steps do not reach the file.
    """
    view.sync()
    probes = list(view.snapshots)
    curves = run_curves_of(view)
    previous = pages.currentWidget()
    page = activations if previous is activations else filters

    def draw(probe) -> None:
        if page is activations:
            activations.show(probe)
        else:
            filters.show_kernels(probe.kernels)

    what = "" if page is activations else f" · {filters.layer.currentText()} filters"  # the combos are not in the frames
    if page is filters and filters.channel.count() > 1:
        channel = filters.channel.currentText()
        what += f" ({channel})" if channel == "mean of all" else f" (input channel {channel})"
    pages.setCurrentWidget(page)  # a hidden page has no layout to grab
    try:
        for probe in probes:  # first grow the colour levels over the whole run: steady colours
            draw(probe)

        def render(index: int):
            pages.setCurrentWidget(page)
            draw(probes[index])
            grab = page.view.grab()  # the maps only: no combo boxes or notes in a picture
            side = curves_image(curves, view.x_of(probes[index]), (CURVES_WIDTH, max(grab.height(), CURVES_MIN_HEIGHT)))
            return captioned(grab, view.caption(probes[index]) + what, side)

        return (yield from timeline_gif_steps(path, render, len(probes), fps))
    finally:
        pages.setCurrentWidget(previous)


def start_timeline_gif_export(parent: QWidget, path, view: TrainingView, painter, bar: MessageBar,
                              fps: float = DEFAULT_FPS) -> Worker:
    """Start the timeline GIF as a :class:`GuiTask` (one frame per event-loop turn) and return its worker.

    ``painter`` is the tab's :class:`~convviz.ui.training.view_painter.ViewPainter`. A non-modal
    dialog shows the progress, its Cancel writes nothing; the outcome is one line in ``bar``, and
    the page is redrawn from the view afterwards (the frames borrowed it).
    """
    count = len(view.snapshots)
    task = GuiTask(lambda emit: timeline_export_steps(path, view, painter.pages, painter.activations,
                                                      painter.filters, fps),
                   context="Could not export the timeline", parent=parent)
    progress_dialog(parent, "Rendering the timeline…", task, count)
    report_failures(task.worker, bar)
    task.worker.done.connect(lambda written: bar.show_info(f"Timeline saved to {written} ({count} frames)."))

    def finished() -> None:
        if task.worker.stop_requested and task.worker.result is None:
            bar.show_info("GIF export cancelled; nothing was written.")
        view.mark_all()  # back to what the view shows
        painter.paint(view, view.take_redraws(time.monotonic(), force=True))
        task.deleteLater()

    task.worker.finished.connect(finished)
    task.start()
    return task.worker
