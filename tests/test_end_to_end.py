"""The whole tour a new user takes: train in the lab, inspect the model, replay a cell in the studio."""

import numpy as np
import pytest
from PyQt6.QtCore import Qt

RUN_TIMEOUT_MS = 120_000


def test_train_then_inspect_then_replay_in_studio(qtbot):
    keras = pytest.importorskip("keras")
    from convviz.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1360, 860)
    window.show()
    lab, inspector = window.training, window.inspector
    lab.limit, lab.probe_every = 300, 2
    lab.controls.epochs.setValue(1)

    # Training ends -> the inspector, once shown, loads the run's model and runs it on a test digit by itself.
    with qtbot.waitSignal(lab.task_finished, timeout=RUN_TIMEOUT_MS):
        assert lab.start_training()
    with qtbot.waitSignal(inspector.inspected, timeout=RUN_TIMEOUT_MS):
        window.tabs.setCurrentWidget(inspector)
    from convviz.training.storage import load_model

    model = lab.model if lab.model is not None else load_model(lab.model_path)  # the run's saved model
    x = inspector.model_input()
    expected = np.asarray(model(x[None]))[0]
    np.testing.assert_allclose(inspector.probabilities.probabilities, expected, rtol=1e-5, atol=1e-6)

    # Click a cell of the last convolution: its replay lands on the model's own value.
    names = [view.name for view in inspector.info.layers]
    conv3 = names.index("conv3")
    with qtbot.waitSignal(inspector.replayed, timeout=10000) as blocker:
        inspector.pick_cell(conv3, 5, 1, 2)
    replay = blocker.args[0]
    activation = keras.Model(model.inputs, model.get_layer("conv3").output)(x[None])
    assert replay.model_value == pytest.approx(float(activation[0, 1, 2, 5]), rel=1e-5, abs=1e-6)
    assert replay.value == pytest.approx(replay.model_value, rel=1e-4, abs=1e-5)

    # Replay in Studio: the whole cell (conv3 reads 64 channels) on the real maps and learned kernel.
    qtbot.mouseClick(inspector.replay_panel.to_studio, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.studio
    kind, step = window.studio.state.current()
    assert kind == "conv" and step.position == (1, 2) and len(step.channel_dots) == 64
    np.testing.assert_allclose(step.channel_dots, replay.contributions, rtol=1e-4, atol=1e-5)
    assert window.studio.state.result.error is None
    assert float(window.studio.state.result.activated[1, 2, 0]) == pytest.approx(
        replay.model_value, rel=1e-4, abs=1e-5)
    # ... and says, on screen, the model's own number for the cell.
    shown = window.studio.depth_canvas.formulas.text()
    assert f"= {replay.model_value:.4g}." in shown
    window.close()


def drop_on(widget, path):
    """Send a real drop of the file ``path`` onto ``widget``."""
    from PyQt6.QtCore import QMimeData, QPointF, QUrl
    from PyQt6.QtGui import QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(30, 30), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(event)
    return event


def test_a_model_and_a_photo_dropped_on_the_window_are_inspected(qtbot, tmp_path):
    keras = pytest.importorskip("keras")
    from convviz.assets import asset_path, bundled_photo
    from convviz.training.input_range import prepare_image
    from convviz.training.storage import save_model
    from convviz.ui.main_window import MainWindow

    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.Input((40, 40, 3)), keras.layers.Rescaling(1 / 255, name="scale"),
                              keras.layers.Conv2D(4, 3, activation="relu", name="conv"),
                              keras.layers.GlobalAveragePooling2D(name="gap"),
                              keras.layers.Dense(3, activation="softmax", name="out")])
    path = save_model(model, tmp_path / "tiny.keras", class_names=["cat", "cup", "person"])
    window = MainWindow()
    qtbot.addWidget(window)
    inspector = window.inspector
    with qtbot.waitSignal(inspector.inspected, timeout=30000):
        assert drop_on(window, path).isAccepted()
    assert window.tabs.currentWidget() is inspector
    assert inspector.input.value_range.currentData() == "[0,255]"  # the model rescales itself

    with qtbot.waitSignal(inspector.inspected, timeout=10000):
        drop_on(window, asset_path("photos/chelsea.png"))
    expected = prepare_image(bundled_photo("chelsea"), (40, 40, 3), "[0,255]", "crop")
    np.testing.assert_allclose(inspector.model_input(), expected, rtol=1e-6, atol=1e-3)
    probabilities = np.asarray(model(expected[None]))[0]
    np.testing.assert_allclose(inspector.probabilities.probabilities, probabilities, rtol=1e-5, atol=1e-6)
    best = ["cat", "cup", "person"][int(np.argmax(probabilities))]
    assert f"<b>{best}</b>" in inspector.prediction.text()
    window.close()
