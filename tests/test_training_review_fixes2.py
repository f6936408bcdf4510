"""The Training tab after a teacher's second review: a layer table whose columns stay in view after an
edit, Undo that gives the focus back to the setting it changed, a button row that wraps when zoomed,
plots with room for their last point, a plain timeline after a load, a confusion matrix whose numbers
grow with its cells, and file dialogs that remember their folder."""

import os

import numpy as np
import pytest
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QImage, QPainter
from PyQt6.QtWidgets import QApplication, QMessageBox

os.environ["CONVVIZ_OFFLINE"] = "1"

import convviz.training.session as session_module  # noqa: E402
from convviz.training.events import LayerInfo, Probe  # noqa: E402
from convviz.ui.training.layer_editor import LayerEditor  # noqa: E402
from scripted_session import ScriptedSession  # noqa: E402


@pytest.fixture
def editor(qtbot):
    """A shown layer editor as wide as the Layers page at 1024x768, with the keyboard focus."""
    widget = LayerEditor()
    qtbot.addWidget(widget)
    widget.resize(690, 420)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def _focus(qtbot, widget):
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def _columns_fit(editor):
    table = editor.table
    return table.horizontalHeader().length() <= table.viewport().width()


# -- 1. the Layers page ---------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["arrow", "typed"])
def test_editing_a_kernel_keeps_every_column_in_view(qtbot, editor, how):
    table = editor.table
    assert _columns_fit(editor)
    filters_width = table.columnWidth(1)
    kernel = editor.setting(0, "kernel")
    _focus(qtbot, kernel)
    if how == "arrow":
        qtbot.keyClick(kernel, Qt.Key.Key_Up)
    else:
        qtbot.keyClicks(kernel, "5")
    assert editor.specs()[0].kernel == (4 if how == "arrow" else 5)
    qtbot.wait(20)  # the header re-measures its columns on the next turn of the event loop
    assert table.columnWidth(1) == filters_width
    assert _columns_fit(editor) and table.horizontalScrollBar().maximum() == 0


def test_undo_gives_the_focus_back_to_the_setting_it_changed(qtbot, editor):
    kernel = editor.setting(2, "kernel")
    _focus(qtbot, kernel)
    qtbot.keyClicks(kernel, "5")
    _focus(qtbot, editor.setting(0, "size"))  # somewhere else, then the Undo button by mouse
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert editor.specs()[2].kernel == 3
    restored = editor.setting(2, "kernel")
    qtbot.waitUntil(restored.hasFocus, timeout=2000)
    assert QApplication.focusWidget() is restored and editor.table.currentRow() == 2

    qtbot.keyClick(restored, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # redo: the same field
    assert editor.specs()[2].kernel == 5
    qtbot.waitUntil(lambda: editor.setting(2, "kernel").hasFocus(), timeout=2000)


def test_undo_of_a_removed_layer_keeps_the_focus_in_the_table(qtbot, editor):
    before = editor.specs()
    editor.table.selectRow(1)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert len(editor.specs()) == len(before) - 1
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert editor.specs() == before
    qtbot.waitUntil(editor.table.hasFocus, timeout=2000)


@pytest.fixture
def window(main_window):
    """The real MainWindow on the Training tab at 1024x768 (see conftest's main_window)."""
    main_window.tabs.setCurrentWidget(main_window.training)
    return main_window


def test_zoomed_in_the_layers_buttons_wrap_instead_of_scrolling_sideways(qtbot, window):
    from convviz.ui.zoom import zoom_level

    editor = window.training.layer_editor
    window.training.panels.setCurrentWidget(editor)
    area = window.centralWidget()
    qtbot.waitUntil(lambda: area.horizontalScrollBar().maximum() == 0, timeout=3000)
    zoom_level().set_factor(1.46)
    qtbot.waitUntil(lambda: editor.add_button.y() != editor.use_button.y(), timeout=3000)  # two lines
    qtbot.wait(50)  # the deferred re-measuring runs on the next event-loop turns
    assert area.horizontalScrollBar().maximum() == 0
    right = editor.mapTo(window, editor.rect().topRight()).x()
    for button in editor._buttons:
        if button.isVisible():
            assert button.mapTo(window, button.rect().topRight()).x() <= right  # none clipped


# -- 2. the accuracy and loss plots ----------------------------------------------------------------

STEPS = 5


class FiveBatchSession(ScriptedSession):
    """STEPS batches an epoch, one probe at the start."""

    steps_per_epoch = STEPS
    probe_every = 10_000
    batch_seconds = 0.001
    layers = (LayerInfo("conv1", "Conv2D", (26, 26, 8), 80), LayerInfo("probabilities", "Dense", (10,), 54090))

    def probe(self, step):
        rng = np.random.default_rng(step + 10)
        return Probe(epoch=max(step, 0) // STEPS, step=step, sample=rng.random((28, 28, 1), np.float32),
                     sample_label=7, kernels={"conv1": rng.normal(size=(3, 3, 1, 8)).astype(np.float32)},
                     activations=(("conv1", rng.random((26, 26, 8), np.float32)),
                                  ("probabilities", np.full(10, 0.1, np.float32))),
                     probabilities=np.full(10, 0.1, np.float32))


@pytest.fixture
def tab(monkeypatch, training_tab):
    """The Training tab at 1024x768's size for its plots, training with the scripted session."""
    monkeypatch.setattr(session_module, "TrainingSession", FiveBatchSession)
    training_tab.resize(1010, 700)
    return training_tab


def _run(qtbot, tab, epochs=5):
    tab.controls.epochs.setValue(epochs)
    with qtbot.waitSignal(tab.task_finished, timeout=20000):
        assert tab.start_training()
    assert len(tab.curves.loss.val) == epochs  # the run went through: a validation point per epoch


def _tick_texts(axis):
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        return [text for _rect, _flags, text in axis.generateDrawSpecs(painter)[2]]
    finally:
        painter.end()


def test_the_last_epoch_has_its_tick_and_a_whole_validation_dot(qtbot, tab):
    _run(qtbot, tab, epochs=5)
    for plot in (tab.curves.loss_plot, tab.curves.accuracy_plot):
        view = plot.plotItem.vb
        assert view.viewRange()[0][1] > 5
        qtbot.waitUntil(lambda: "5" in _tick_texts(plot.getAxis("bottom")), timeout=3000)
        last = view.mapViewToScene(QPointF(5.0, 0.5)).x()
        assert last + 5 <= view.sceneBoundingRect().right()  # the 8 px dot and its outline fit


def test_the_cursor_shows_through_the_loss_legend(qtbot, tab):
    _run(qtbot, tab, epochs=5)
    curves, plot = tab.curves, tab.curves.loss_plot
    legend, view = plot.plotItem.legend, plot.plotItem.vb
    box = legend.sceneBoundingRect()
    curves.set_cursor(view.mapSceneToView(box.center()).x())  # scrubbed to where the legend is
    qtbot.wait(20)
    image = plot.grab().toImage()
    x = int(plot.mapFromScene(view.mapViewToScene(QPointF(curves.cursors[0].value(), 0))).x())
    column = [image.pixelColor(x + dx, y) for dx in (-1, 0, 1)
              for y in range(int(plot.mapFromScene(box.topLeft()).y()) + 2, int(plot.mapFromScene(box.bottomLeft()).y()) - 2)]
    assert column
    assert any(c.red() - c.blue() > 80 and c.red() > 180 for c in column)  # orange, not washed out to white


# -- 3. after File → Load model ---------------------------------------------------------------------

def test_after_a_load_the_curves_start_afresh_and_the_timeline_says_why_it_is_empty(qtbot, tab, monkeypatch, tmp_path):
    import convviz.ui.training.file_dialogs as dialogs
    from convviz.training.models import build_model
    from convviz.training.storage import save_model

    _run(qtbot, tab, epochs=2)
    tab.curves.loss_plot.plotItem.vb.updateAutoRange()
    assert tab.curves.loss_plot.plotItem.vb.viewRange()[1][1] > 1.5  # the run's losses start at 2.0
    assert tab.timeline.export_button.isEnabled()
    path = save_model(build_model("seed"), tmp_path / "m.keras")
    tab.limit = 50
    monkeypatch.setattr(dialogs, "ask_model_path", lambda parent: str(path))
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(tab.task_finished, timeout=120_000):
        qtbot.mouseClick(tab.controls.load_button, Qt.MouseButton.LeftButton)
    assert tab.model is not None and tab.curves.batch_count == 0
    low, high = tab.curves.loss_plot.plotItem.vb.viewRange()[1]
    assert -0.1 < low < 0.01 and 0.99 < high < 1.1  # a fresh 0-1 axis, not the run's 0-2
    timeline = tab.timeline
    assert timeline.label.text() == "a loaded model has no run to scrub"
    assert not timeline.export_button.isEnabled()
    assert "a loaded model has no run to scrub" in timeline.export_button.toolTip()

    _run(qtbot, tab, epochs=1)  # training it records a timeline again
    assert "no run" not in timeline.label.text() and timeline.export_button.isEnabled()
    assert timeline.export_button.toolTip().startswith("Save a GIF")


# -- 4. the confusion matrix's numbers grow with its cells ------------------------------------------

def test_the_confusion_matrix_font_grows_with_its_cells_within_limits(qtbot, tab):
    _run(qtbot, tab, epochs=1)
    table, app_size = tab.results.table, QApplication.font().pointSizeF()
    tab.panels.setCurrentWidget(tab.results)
    qtbot.waitUntil(table.isVisible, timeout=2000)

    def settled_size(width, height):
        tab.resize(width, height)
        qtbot.waitUntil(lambda: tab.height() == height, timeout=2000)
        qtbot.wait(20)  # the sections stretch on the next turn of the event loop
        return table.font().pointSizeF()

    small = settled_size(1010, 700)  # the tab at 1024x768 (or its minimum width)
    large = settled_size(1900, 1010)  # the tab at 1920x1080
    assert small >= 0.9 * app_size - 0.01 and large <= 1.8 * app_size + 0.01
    assert large > 1.3 * small, (small, large, table.rowHeight(0))
    metrics = table.fontMetrics()
    assert metrics.height() < table.rowHeight(0) and metrics.horizontalAdvance("1000") < table.columnWidth(0)
    assert settled_size(1010, 700) == small, tab.minimumSizeHint()  # and back


# -- 5. Save model… and Load model… open in the last folder used -----------------------------------

def test_model_dialogs_open_in_the_last_folder_used_else_home(qtbot, training_tab, monkeypatch, tmp_path):
    from pathlib import Path

    from PyQt6.QtCore import QSettings
    from PyQt6.QtWidgets import QFileDialog

    ini = tmp_path / "settings.ini"
    monkeypatch.setenv("CONVVIZ_SETTINGS", str(ini))
    tab, controls = training_tab, training_tab.controls
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "m.keras").write_text("not a model")
    asked, answers = [], []

    def dialog(kind):
        def ask(parent, caption, directory, filters):
            asked.append((kind, directory))
            return answers.pop(0), filters
        return ask

    monkeypatch.setattr(QFileDialog, "getOpenFileName", dialog("open"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog("save"))

    answers.append(str(first / "m.keras"))
    with qtbot.waitSignal(tab.task_finished, timeout=120_000):
        qtbot.mouseClick(controls.load_button, Qt.MouseButton.LeftButton)
    assert asked[-1] == ("open", str(Path.home()))  # nothing remembered yet: home, not the working folder
    assert tab.messages.level == "error"  # not a model, said in the bar; the folder is remembered all the same

    controls.has_model = True
    controls.set_state("idle")
    answers.append(str(second / "n.keras"))
    qtbot.mouseClick(controls.save_button, Qt.MouseButton.LeftButton)
    kind, directory = asked[-1]
    assert kind == "save" and Path(directory).parent == first and Path(directory).suffix == ".keras"

    answers.append("")  # cancelled: nothing to remember
    qtbot.mouseClick(controls.load_button, Qt.MouseButton.LeftButton)
    assert asked[-1] == ("open", str(second))
    assert QSettings(str(ini), QSettings.Format.IniFormat).value("files/model_folder") == str(second)

    second.rmdir()  # the folder is gone: home again
    answers.append("")
    qtbot.mouseClick(controls.load_button, Qt.MouseButton.LeftButton)
    assert asked[-1] == ("open", str(Path.home()))
