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

    # Training ends -> the inspector gets the model and runs it on a test digit by itself.
    with qtbot.waitSignal(inspector.inspected, timeout=RUN_TIMEOUT_MS):
        assert lab.start_training()
    x = inspector.model_input()
    expected = np.asarray(lab.model(x[None]))[0]
    np.testing.assert_allclose(inspector.probabilities.probabilities, expected, rtol=1e-5, atol=1e-6)

    # Click a cell of the last convolution: its replay lands on the model's own value.
    names = [view.name for view in inspector.info.layers]
    conv3 = names.index("conv3")
    with qtbot.waitSignal(inspector.replayed, timeout=10000) as blocker:
        inspector.pick_cell(conv3, 5, 1, 2)
    replay = blocker.args[0]
    activation = keras.Model(lab.model.inputs, lab.model.get_layer("conv3").output)(x[None])
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
