"""A teacher's review of the Inspector: its test samples are the official MNIST test set (as in the
Training tab's Test results, which can open one in the Inspector), and at 1024×768 nothing is cut."""

import gzip

import numpy as np
import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtWidgets import QApplication, QScrollArea, QWidget

keras = pytest.importorskip("keras")

from convviz.assets import ASSETS_DIR  # noqa: E402


def official_test_set():
    """The t10k IDX files in assets/, decoded here from their bytes (not through convviz)."""
    with gzip.open(ASSETS_DIR / "t10k-images-idx3-ubyte.gz", "rb") as stream:
        raw = stream.read()
    count, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    images = np.frombuffer(raw, np.uint8, offset=16).reshape(count, rows, cols)
    with gzip.open(ASSETS_DIR / "t10k-labels-idx1-ubyte.gz", "rb") as stream:
        labels = np.frombuffer(stream.read(), np.uint8, offset=8)
    return images, labels


def canvas_digit(tab) -> np.ndarray:
    """The 280×280 drawing canvas back at 28×28 (the centre of each 10×10 block), in 0..255."""
    return tab.canvas.ink()[5::10, 5::10] * 255


def assert_shows(tab, images, index):
    """The canvas holds official test image ``index``, nearer to it than to any neighbour."""
    shown = canvas_digit(tab)
    error = np.abs(shown - images[index]).mean()
    assert error < 4, error
    for other in (index - 1, index + 1):
        assert np.abs(shown - images[other % len(images)]).mean() > 5 * error


def small_model(conv_name="conv1"):
    keras.utils.set_random_seed(5)
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(4, 3, activation="relu", name=conv_name),
        keras.layers.MaxPooling2D(2, name="pool1"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(10, activation="softmax", name="dense"),
    ])


@pytest.fixture
def window(main_window):
    """The main window at 1024×768 (see conftest's main_window)."""
    return main_window


def test_test_samples_are_the_official_mnist_test_set(qtbot, inspector_tab):
    images, labels = official_test_set()
    panel = inspector_tab.input
    assert panel.digit_index.maximum() == len(images) - 1 == 9999
    for index in (0, 4578, 9999):
        panel.digit_index.setFocus()
        panel.digit_index.selectAll()
        qtbot.keyClicks(panel.digit_index, str(index))
        qtbot.mouseClick(panel.pick_button, Qt.MouseButton.LeftButton)
        assert panel.digit_index.value() == index
        assert_shows(inspector_tab, images, index)
        assert inspector_tab.truth.text().endswith(f"#{index}: <b>{labels[index]}</b>")
    assert labels[0] == 7  # the official #0, not the held-out bundled digit (a 2)


def test_the_labs_mnist_keeps_the_official_numbering(qtbot, inspector_tab):
    images, labels = official_test_set()
    before = inspector_tab.input.samples[0]
    inspector_tab.use_data("mnist")
    qtbot.waitUntil(lambda: inspector_tab.input.samples[0] is not before, timeout=30000)
    assert inspector_tab.input.digit_index.maximum() == 9999
    inspector_tab.input.show_test_sample(4578)
    assert_shows(inspector_tab, images, 4578)
    assert f"<b>{labels[4578]}</b>" in inspector_tab.truth.text()


def test_other_data_keeps_its_own_test_split(qtbot, inspector_tab, tmp_path):
    rng = np.random.default_rng(0)
    x_test = rng.integers(0, 256, (30, 12, 12, 3), dtype=np.uint8)
    y_test = np.arange(30) % 3
    path = tmp_path / "colours.npz"
    np.savez(path, x_train=rng.integers(0, 256, (40, 12, 12, 3), dtype=np.uint8), y_train=np.arange(40) % 3,
             x_test=x_test, y_test=y_test)
    before = inspector_tab.input.samples[0]
    inspector_tab.use_data(str(path))
    qtbot.waitUntil(lambda: inspector_tab.input.samples[0] is not before, timeout=30000)
    assert inspector_tab.input.digit_index.maximum() == 29
    inspector_tab.input.show_test_sample(17)
    np.testing.assert_array_equal(inspector_tab.input.photo, x_test[17])  # a colour image: a photo input
    assert f"#17: <b>{y_test[17]}</b>" in inspector_tab.truth.text()


def test_open_in_inspector_puts_that_test_image_in(qtbot, window):
    from convviz.core.runs.test_predictions import as_predictions

    images, labels = official_test_set()
    count = 5000
    probabilities = np.full((count, 10), 0.01, np.float32)
    probabilities[np.arange(count), (labels[:count] + 1) % 10] = 0.91  # every image "mistaken" for the next digit
    view = window.training.results.images
    view.set_predictions(as_predictions(labels[:count], probabilities, images[:count]), [str(i) for i in range(10)])
    window.tabs.setCurrentWidget(window.training)
    window.training.panels.setCurrentWidget(window.training.results)
    view.show_pair(4, 5)
    assert not view.open_button.isEnabled() or view.list.currentRow() == 0
    row = 3
    view.list.setCurrentRow(row)
    index = view.shown_indices()[row]
    assert labels[index] == 4 and view.open_button.text() == f"Open #{index} in Inspector"
    assert view.open_button.toolTip() and view.open_button.focusPolicy() & Qt.FocusPolicy.TabFocus
    view.open_button.setFocus()
    qtbot.keyClick(view.open_button, Qt.Key.Key_Space)
    assert window.tabs.currentWidget() is window.inspector
    assert_shows(window.inspector, images, index)
    assert window.inspector.input.digit_index.value() == index  # the same set: the spin box follows
    assert window.inspector.truth.text().endswith(f"#{index}: <b>4</b>")


def _left_column(inspector):
    area = inspector.input.parentWidget()
    while not isinstance(area, QScrollArea):
        area = area.parentWidget()
    return area.widget(), area.viewport()


def _inspect(qtbot, window, model):
    window.tabs.setCurrentWidget(window.inspector)
    with qtbot.waitSignal(window.inspector.inspected, timeout=30000):
        window.inspector.use_model(model, "a model trained in the lab, with a long name")


@pytest.mark.parametrize("zoom", [1.0, 1.5])
def test_the_left_column_fits_its_viewport_at_1024(qtbot, window, zoom):
    _inspect(qtbot, window, small_model())
    window.zoom.set_factor(zoom)
    column, viewport = _left_column(window.inspector)

    def cut():
        QApplication.processEvents()
        return [child for child in column.findChildren(QWidget) if child.isVisible()
                and (child.mapTo(viewport, QPoint(0, 0)).x() < 0
                     or child.mapTo(viewport, QPoint(child.width(), 0)).x() > viewport.width())]

    qtbot.waitUntil(lambda: not cut(), timeout=3000)
    assert window.inspector.canvas.isVisible() and window.inspector.input.pick_button.isVisible()
    window.zoom.reset()


@pytest.mark.parametrize("zoom", [1.0, 1.5])
def test_the_opacity_slider_stays_a_slider_at_1024(qtbot, window, zoom):
    _inspect(qtbot, window, small_model("block5_depthwise_separable_conv3"))
    cam = window.inspector.cam
    window.inspector.details.setCurrentWidget(cam)
    qtbot.waitUntil(cam.opacity.isVisible, timeout=3000)
    wide = cam.layer_box.sizeHint().width()
    window.zoom.set_factor(zoom)
    qtbot.waitUntil(lambda: cam.layer_box.sizeHint().width() > wide or zoom == 1.0, timeout=3000)
    for _ in range(3):  # the posted layout requests, parent to child
        QApplication.processEvents()
        window.layout().activate()
    assert cam.opacity.width() >= 80
    assert cam.opacity.mapTo(cam, QPoint(cam.opacity.width(), 0)).x() <= cam.width()
    window.zoom.reset()


def test_a_test_image_reaches_the_model_exactly_until_the_user_draws_on_it(qtbot, inspector_tab):
    from test_digit_canvas import drag

    images, _ = official_test_set()
    model = small_model()
    with qtbot.waitSignal(inspector_tab.inspected, timeout=30000):
        inspector_tab.use_model(model, "a small model")
    panel = inspector_tab.input
    with qtbot.waitSignal(inspector_tab.inspected, timeout=10000):
        panel.show_test_sample(740)
    exact = images[740].astype(np.float32) / 255.0
    np.testing.assert_array_equal(inspector_tab.model_input()[:, :, 0], exact)  # not re-centred from the canvas
    assert panel.source.currentText() == "Test image #740"  # the input box says what is on show
    expected = np.asarray(model(exact[None, :, :, None]))[0]  # what Test results computed for #740
    np.testing.assert_allclose(inspector_tab.probabilities.probabilities, expected, rtol=1e-5, atol=1e-6)
    with qtbot.waitSignal(inspector_tab.inspected, timeout=10000):
        drag(panel.canvas, [(20, 20), (60, 60)])  # a stroke makes it the user's drawing
    assert not np.array_equal(inspector_tab.model_input()[:, :, 0], exact)
    assert panel.source.currentText() == "Your drawing"
