"""Frames and animations of the studio as files: PNG of one step, GIF of every step.

Frames are rendered by an offscreen :class:`StudioCanvas`, so they look like the
app in its light theme: exports are always light and print-friendly, whatever the
window's theme (the dark theme is for the screen, not for slides and paper). The GIF stream and the atomic write are :mod:`convviz.core.gif_stream`'s
(only this module's rendering needs Qt). A failed or cancelled export leaves any
existing file as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PIL import Image
from PyQt6.QtCore import QEvent, Qt
from PyQt6.QtGui import QImage
from PyQt6.QtWidgets import QApplication, QLabel, QProgressDialog, QWidget

from convviz.atomic import atomic_write
from convviz.core.gif_stream import check_extension, gif_frames_steps, run_steps
from convviz.core.studio import StudioResult
from convviz.core.studio_text import settings_text
from convviz.ui.studio.readable import accent
from convviz.ui.studio.studio_canvas import StudioCanvas
from convviz.ui.message_bar import MessageBar
from convviz.ui.theme import light_palette
from convviz.ui.worker import GuiTask, report_failures

PNG_SIZE = (1280, 760)
GIF_SIZE = (880, 500)


def qimage_to_pil(image: QImage) -> Image.Image:
    """Return an RGB Pillow image with the pixels of ``image``."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits().asstring(rgb.sizeInBytes()))
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), data, "raw", "RGB", rgb.bytesPerLine(), 1).copy()


def settle_layouts(widget: QWidget) -> None:
    """Lay out ``widget`` and every widget inside it for their texts now, without an event loop.

    New titles only post layout requests; a grab before they are handled drew the panels' titles
    at the heights of the old texts (cut off at the top and bottom).
    """
    for _ in range(3):  # a layout run can post requests for the layouts inside it
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        for inner in [widget, *widget.findChildren(QWidget)]:
            if inner.layout() is not None:
                inner.layout().activate()


class FrameRenderer:
    """Renders steps of a :class:`StudioResult` into images with an offscreen canvas."""

    def __init__(self, result: StudioResult, size=PNG_SIZE, with_formulas: bool = True) -> None:
        self.result = result
        self.canvas = StudioCanvas(with_formulas=with_formulas, bounded_text=False)
        self.canvas.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.canvas.setPalette(light_palette())  # light whatever the window's theme; its labels restyle
        caption = QLabel(f"convviz · {settings_text(result.settings)}")
        caption.setStyleSheet(f"QLabel {{ color: {accent(self.canvas, 'muted')}; font-size: 9pt; }}")
        self.canvas.layout().insertWidget(0, caption)
        self.canvas.resize(*size)
        self.canvas.show()
        self.canvas.show_result(result)
        settle_layouts(self.canvas)

    def render(self, index: int) -> Image.Image:
        """Return step ``index`` as an RGB image."""
        self.canvas.show_step(self.result, index)
        settle_layouts(self.canvas)
        return qimage_to_pil(self.canvas.grab().toImage())

    def close(self) -> None:
        """Free the offscreen canvas."""
        self.canvas.close()
        self.canvas.deleteLater()


def _depth_renderer(result: StudioResult):
    """The Qt-free renderer of frames in depth (every channel, filter, number; same in the CLI)."""
    from convviz.core.frame_render import DepthFrameRenderer

    return DepthFrameRenderer(result)


def export_png(result: StudioResult, index: int, path, size=PNG_SIZE) -> Path:
    """Write step ``index`` of ``result`` to ``path`` as a PNG."""
    check_extension(path, ".png")
    if result.n_steps and not 0 <= index < result.n_steps:
        raise ValueError(f"step must be between 0 and {result.n_steps - 1}, got {index}")
    if result.in_depth and result.n_steps:
        image = _depth_renderer(result).render(index)
        return atomic_write(path, lambda temp: image.save(temp, format="PNG"))
    renderer = FrameRenderer(result, size)
    try:
        image = renderer.render(index) if result.n_steps else qimage_to_pil(renderer.canvas.grab().toImage())
    finally:
        renderer.close()
    return atomic_write(path, lambda temp: image.save(temp, format="PNG"))


def gif_export_steps(result: StudioResult, path, fps: float = 4, size=GIF_SIZE):
    """Write every step of ``result`` to ``path`` as a looping GIF, one frame per step, step-wise.

    A generator (see :func:`~convviz.core.gif_stream.gif_frames_steps`): yields ``(done, total)``
    after each frame, returns the path written; closed early, it writes nothing. Frames are
    rendered with widgets, so it must be stepped on the GUI thread (a :class:`GuiTask`).
    """
    check_extension(path, ".gif")
    if result.n_steps == 0:
        raise ValueError(result.error or "there are no steps to animate")
    if result.in_depth:
        return (yield from gif_frames_steps(path, _depth_renderer(result).render, result.n_steps, fps))
    renderer = FrameRenderer(result, size, with_formulas=False)
    try:
        return (yield from gif_frames_steps(path, renderer.render, result.n_steps, fps))
    finally:
        renderer.close()


def export_gif(result: StudioResult, path, fps: float = 4, size=GIF_SIZE,
               progress: Callable[[int, int], bool] | None = None) -> Path:
    """Write every step of ``result`` to ``path`` at once: :func:`gif_export_steps` run to the end.

    ``progress(done, total)`` is called after each frame; returning False cancels
    (:class:`~convviz.core.gif_stream.ExportCancelled` is raised and nothing is written).
    """
    return run_steps(gif_export_steps(result, path, fps, size), progress)


def progress_dialog(parent: QWidget, title: str, task: GuiTask, total: int) -> QProgressDialog:
    """A non-modal progress dialog for ``task``: follows its ``(done, total)`` progress, Cancel
    stops it, and it goes away when the task finishes (no nested event loop)."""
    dialog = QProgressDialog(title, "Cancel", 0, max(total, 1), parent)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoReset(False)
    task.worker.progress.connect(lambda value: dialog.setValue(value[0]))
    dialog.canceled.connect(task.stop)

    def finished() -> None:
        try:
            dialog.canceled.disconnect(task.stop)
        except TypeError:  # already gone: the dialog's own reset can cancel it first
            pass
        dialog.reset()
        dialog.deleteLater()

    task.worker.finished.connect(finished)
    return dialog


def gif_export_task(parent: QWidget, result: StudioResult, path, fps: float, bar: MessageBar) -> GuiTask:
    """A :class:`GuiTask` (not started) writing ``result``'s GIF to ``path`` with a non-modal
    progress dialog; its outcome, saved, cancelled or failed, becomes one line in ``bar``."""
    task = GuiTask(lambda emit: gif_export_steps(result, path, fps),
                   context=f"Could not export the animation to {Path(path).name}", parent=parent)
    progress_dialog(parent, "Rendering frames…", task, result.n_steps)
    report_failures(task.worker, bar)
    task.worker.done.connect(lambda written: bar.show_info(f"Saved {result.n_steps} frames to {written}"))

    def finished() -> None:
        if task.worker.stop_requested and task.worker.result is None:
            bar.show_info("GIF export cancelled; nothing was written.")
        task.deleteLater()

    task.worker.finished.connect(finished)
    return task
