"""Messages have a place of their own: a banner or a run folder appearing never moves a control."""

from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtWidgets import QApplication

LONG = ("Training on MNIST offline sample: 9,000 training + 1,000 validation of the bundled 10,000 training digits; "
        "test: the official 10,000-digit MNIST test set (the download failed: no network). " * 3)


def _where(widget):
    return widget.mapToGlobal(QPoint(0, 0))


def test_a_banner_and_a_run_folder_do_not_move_the_train_button(qtbot, training_tab):
    button = training_tab.controls.run_button
    before = _where(button)
    training_tab.messages.show_info(LONG)
    training_tab.run_folder.show_path("/tmp/runs/2026-11-28_16-00-38_seed")
    QApplication.processEvents()
    assert training_tab.messages.isVisible() and training_tab.run_folder.isVisible()
    assert _where(button) == before
    assert LONG.strip() in training_tab.messages.toolTip()  # the part the two lines may not hold
    training_tab.messages.clear()
    QApplication.processEvents()
    assert _where(button) == before


def test_a_studio_message_does_not_move_the_transport_bar(qtbot, studio_tab):
    play = studio_tab.transport.play_button
    before = _where(play)
    studio_tab.message_bar.show_error("Kernel 7×7 with dilation 3 reaches over 19 cells: larger than the 5×5 input.")
    QApplication.processEvents()
    assert _where(play) == before


def test_the_reserved_space_follows_the_zoom(qtbot, training_tab):
    from PyQt6.QtGui import QFont

    bar = training_tab.messages
    small = bar.height()
    font = QFont(bar.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    bar.setFont(font)
    QApplication.processEvents()
    assert bar.height() > small * 1.3


def test_without_a_message_each_tab_shows_its_hint_and_a_message_takes_its_place(qtbot, tmp_path, monkeypatch):
    from convviz.ui.main_window import MainWindow
    from convviz.ui.tour import HINTS

    monkeypatch.setenv("CONVVIZ_SETTINGS", str(tmp_path / "convviz.ini"))
    window = MainWindow()
    qtbot.addWidget(window)
    bars = {"studio": window.studio.message_bar, "training": window.training.messages,
            "inspector": window.inspector.messages}
    for name, bar in bars.items():
        assert bar.label.text() == HINTS[name] and bar.text == "" and bar.level == ""
        assert not bar.close_button.isVisibleTo(bar)
    bar = bars["inspector"]
    bar.show_error("broken.png: not an image convviz can read")
    assert bar.text == "broken.png: not an image convviz can read" and bar.close_button.isVisibleTo(bar)
    qtbot.mouseClick(bar.close_button, Qt.MouseButton.LeftButton)
    assert bar.label.text() == HINTS["inspector"] and bar.level == ""
    window.close()
