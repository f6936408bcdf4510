"""Exports from the Studio window: PNG and GIF files Pillow reads back, written atomically."""

import os

import numpy as np
import pytest
from PIL import Image, ImageSequence

from convviz.arithmetic import conv_output_shape, pool_output_shape
from convviz.core.gif_stream import quantize, shared_palette
from convviz.ui.studio import export
from convviz.atomic import atomic_write


@pytest.fixture
def tab(studio_tab):
    return studio_tab


def test_png_of_the_current_frame(tab, tmp_path):
    tab.state.set_step(4)
    name = tab.default_export_name(".png")
    assert name == "convviz_seed5_k3x3-seed_s1_valid_d1_step5.png"
    written = tab.export_png_to(tmp_path / name)
    with Image.open(written) as image:
        assert image.format == "PNG" and image.size == export.PNG_SIZE
    assert tab.message_bar.level == "info"


def test_gif_has_one_frame_per_step_including_pooling(tab, tmp_path):
    tab.controls.padding.setCurrentText("same")
    tab.controls.pool_box.setChecked(True)
    conv = conv_output_shape((5, 5), 3, 1, "same")
    pooled = pool_output_shape(conv, 2)
    assert tab.state.n_steps == conv[0] * conv[1] + pooled[0] * pooled[1] == 29
    calls = []
    path = tab.export_gif_to(tmp_path / tab.default_export_name(".gif"),
                             progress=lambda done, total: calls.append((done, total)))
    assert path.name == "convviz_seed5_k3x3-seed_s1_same_d1_maxpool2.gif"
    with Image.open(path) as image:
        assert image.n_frames == 29 and image.size == export.GIF_SIZE
    assert calls[-1] == (29, 29)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_gif_frames_decode_to_the_rendered_steps(tab, tmp_path):
    """Each decoded frame (composited by Pillow) is that step as the offscreen canvas draws it."""
    tab.controls.pool_box.setChecked(True)
    path = tab.export_gif_to(tmp_path / "steps.gif")
    with Image.open(path) as gif:
        decoded = [np.asarray(frame.convert("RGB")).astype(int) for frame in ImageSequence.Iterator(gif)]
    renderer = export.FrameRenderer(tab.state.result, export.GIF_SIZE, with_formulas=False)
    try:
        rendered = [renderer.render(index) for index in range(tab.state.n_steps)]
    finally:
        renderer.close()
    assert len(decoded) == len(rendered) == 9 + 1
    palette = shared_palette([rendered[-1], rendered[0]])
    for index, (frame, image) in enumerate(zip(decoded, rendered)):
        in_palette = np.asarray(quantize(image, palette).convert("RGB")).astype(int)
        np.testing.assert_array_equal(frame, in_palette, err_msg=f"step {index + 1}")
        assert np.abs(frame - np.asarray(image).astype(int)).mean() < 4, f"step {index + 1}"  # 255 colours
    assert not np.array_equal(decoded[0], decoded[1])  # the highlight moved


def test_cancelled_gif_writes_nothing(tab, tmp_path):
    target = tmp_path / "anim.gif"
    assert tab.export_gif_to(target, progress=lambda done, total: done < 3) is None
    assert "cancelled" in tab.message_bar.text and list(tmp_path.iterdir()) == []


def test_failed_render_keeps_the_existing_file_and_leaves_no_temp(tab, tmp_path, monkeypatch):
    target = tmp_path / "anim.gif"
    target.write_bytes(b"previous export")
    calls = {"n": 0}
    real_render = export.FrameRenderer.render

    def flaky(self, index):
        calls["n"] += 1
        if calls["n"] > 4:  # fails in the middle of writing the frames
            raise RuntimeError("renderer crashed")
        return real_render(self, index)

    monkeypatch.setattr(export.FrameRenderer, "render", flaky)
    assert tab.export_gif_to(target) is None
    assert tab.message_bar.level == "error" and "renderer crashed" in tab.message_bar.text
    assert target.read_bytes() == b"previous export"
    assert sorted(os.listdir(tmp_path)) == ["anim.gif"]
    assert tab.export_png_to(tmp_path / "frame.jpg") is None and "must end in .png" in tab.message_bar.text


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "out.png"
    atomic_write(target, lambda temp: open(temp, "wb").write(b"one"))
    assert target.read_bytes() == b"one" and oct(target.stat().st_mode & 0o777) != "0o600"

    def half_then_fail(temp):
        with open(temp, "wb") as fp:
            fp.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        atomic_write(target, half_then_fail)
    assert target.read_bytes() == b"one" and os.listdir(tmp_path) == ["out.png"]


def test_export_buttons_offer_a_settings_file_name(tab, tmp_path, monkeypatch, qtbot):
    from PyQt6.QtCore import Qt
    from PyQt6.QtWidgets import QFileDialog

    offered = []

    def fake_dialog(parent, caption, default, filters):
        offered.append(default)
        return str(tmp_path / os.path.basename(default)), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_dialog))
    qtbot.mouseClick(tab.export_gif_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.export_gif_button.isEnabled())  # the export runs from the event loop
    assert tab.message_bar.text.startswith("Saved 9 frames to ")
    qtbot.mouseClick(tab.export_png_button, Qt.MouseButton.LeftButton)
    assert [os.path.basename(p) for p in offered] == [
        "convviz_seed5_k3x3-seed_s1_valid_d1.gif", "convviz_seed5_k3x3-seed_s1_valid_d1_step1.png"]
    with Image.open(tmp_path / "convviz_seed5_k3x3-seed_s1_valid_d1.gif") as image:
        assert image.n_frames == 9
    assert (tmp_path / "convviz_seed5_k3x3-seed_s1_valid_d1_step1.png").is_file()


def _depth_settings(tab, kind="conv"):
    c = tab.controls
    c.input_kind.setCurrentIndex(c.input_kind.findData("photo"))
    c.input_size.setValue(5)
    c.depth.in_channels.setValue(3)
    c.depth.filters.setValue(2)
    c.depth.kind.setCurrentIndex(c.depth.kind.findData(kind))
    c.padding.setCurrentText("same")


@pytest.mark.parametrize("kind", ["conv", "separable", "transposed"])
def test_png_and_gif_of_settings_in_depth(tab, tmp_path, kind):
    from convviz.core.frame_render import DepthFrameRenderer

    _depth_settings(tab, kind)
    result = tab.state.result
    assert result.in_depth and result.error is None
    tab.state.set_step(result.n_steps - 1)
    name = tab.default_export_name(".png")
    assert name.startswith(f"convviz_{kind}_c3")
    written = tab.export_png_to(tmp_path / name)
    expected = DepthFrameRenderer(result).render(result.n_steps - 1)
    with Image.open(written) as image:
        assert image.size == expected.size
        assert np.array_equal(np.asarray(image.convert("RGB")), np.asarray(expected))
    gif = tab.export_gif_to(tmp_path / "depth.gif")
    with Image.open(gif) as image:
        assert image.n_frames == result.n_steps
    assert tab.message_bar.level == "info"


def test_started_gif_export_runs_from_the_event_loop(tab, tmp_path, qtbot):
    from PyQt6.QtCore import QTimer

    turns = []
    worker = tab.start_gif_export(tmp_path / "async.gif")
    QTimer.singleShot(0, lambda: turns.append(worker.result))  # the window gets turns between frames
    assert not tab.export_gif_button.isEnabled()
    with qtbot.waitSignal(worker.done, timeout=20000) as done:
        pass
    assert done.args == [tmp_path / "async.gif"] and turns == [None]
    with Image.open(tmp_path / "async.gif") as image:
        assert image.n_frames == tab.state.n_steps == 9
    assert tab.message_bar.level == "info" and tab.message_bar.text.startswith("Saved 9 frames to ")
    qtbot.waitUntil(lambda: tab.export_gif_button.isEnabled())


def test_cancel_in_the_progress_dialog_writes_nothing(tab, tmp_path, qtbot):
    from PyQt6.QtWidgets import QProgressDialog, QPushButton

    target = tmp_path / "anim.gif"
    target.write_bytes(b"previous export")
    worker = tab.start_gif_export(target)
    dialog = tab.findChild(QProgressDialog)
    worker.progress.connect(lambda value: value[0] == 3 and dialog.findChild(QPushButton).click())
    with qtbot.waitSignal(worker.finished, timeout=20000):
        pass
    assert worker.result is None
    assert tab.message_bar.level == "info" and tab.message_bar.text == "GIF export cancelled; nothing was written."
    assert os.listdir(tmp_path) == ["anim.gif"] and target.read_bytes() == b"previous export"


def test_a_failing_gif_write_is_one_line_in_the_message_bar(tab, tmp_path, qtbot):
    worker = tab.start_gif_export(tmp_path / "missing" / "anim.gif")
    with qtbot.waitSignal(worker.failed, timeout=20000):
        pass
    assert tab.message_bar.level == "error"
    assert tab.message_bar.text.startswith("Could not export the animation to anim.gif: ")
    assert "\n" not in tab.message_bar.text and os.listdir(tmp_path) == []
    qtbot.waitUntil(lambda: tab.export_gif_button.isEnabled())
