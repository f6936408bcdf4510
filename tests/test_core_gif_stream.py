"""GIFs from Pillow frames, without Qt: what Pillow decodes is what was rendered, in the shared palette."""

import os

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageSequence

from convviz.core.gif_stream import (
    ExportCancelled, GifStream, check_extension, gif_frames_steps, quantize, shared_palette, write_frames_gif,
)


def _frame(index: int) -> Image.Image:
    """A moving square on a gradient: most pixels stay, a few change every frame."""
    gradient = np.tile(np.linspace(0, 255, 64, dtype=np.uint8), (48, 1))
    image = Image.fromarray(np.dstack([gradient, gradient[::-1], np.full_like(gradient, 90)]), "RGB")
    ImageDraw.Draw(image).rectangle((4 + 5 * index, 10, 14 + 5 * index, 20), fill=(220, 30, 30))
    return image


def _decoded(path) -> list[np.ndarray]:
    with Image.open(path) as gif:  # Pillow composites each frame onto the previous one
        return [np.asarray(frame.convert("RGB")).astype(int) for frame in ImageSequence.Iterator(gif)]


def test_decoded_frames_equal_the_rendered_frames_in_the_shared_palette(tmp_path):
    count = 9
    path = write_frames_gif(tmp_path / "moving.gif", _frame, count, fps=10)
    frames = _decoded(path)
    assert len(frames) == count
    palette = shared_palette([_frame(count - 1), _frame(0)])
    for index, decoded in enumerate(frames):
        expected = np.asarray(quantize(_frame(index), palette).convert("RGB")).astype(int)
        np.testing.assert_array_equal(decoded, expected, err_msg=f"frame {index}")
        original = np.asarray(_frame(index)).astype(int)
        assert np.abs(decoded - original).mean() < 4  # 255 colours are close to the picture
    assert not np.array_equal(frames[0], frames[1])
    with Image.open(path) as gif:
        assert gif.info["loop"] == 0 and gif.info["duration"] == 100


def test_later_frames_store_only_the_changed_rectangle(tmp_path):
    palette = shared_palette([_frame(0), _frame(1)])
    with open(tmp_path / "two.gif", "wb") as fp:
        stream = GifStream(fp, palette, delay=10)
        stream.add(_frame(0))
        stream.add(_frame(1))
        stream.add(_frame(1))  # unchanged: still a frame, one pixel
        stream.close()
    with Image.open(tmp_path / "two.gif") as gif:
        assert gif.n_frames == 3
        gif.seek(1)
        x0, y0, x1, y1 = gif.dispose_extent
        assert (x0, y0) == (4, 10) and x1 - x0 <= 16 and y1 - y0 == 11
        gif.seek(2)
        assert gif.dispose_extent == (0, 0, 1, 1)


def test_cancel_and_failure_leave_the_existing_file(tmp_path):
    target = tmp_path / "anim.gif"
    target.write_bytes(b"previous")
    with pytest.raises(ExportCancelled):
        write_frames_gif(target, _frame, 6, fps=4, progress=lambda done, total: done < 3)

    def broken(index):
        if index == 4:
            raise OSError(28, "No space left on device")
        return _frame(index)

    with pytest.raises(OSError):
        write_frames_gif(target, broken, 6, fps=4)
    assert target.read_bytes() == b"previous" and os.listdir(tmp_path) == ["anim.gif"]


def test_names_and_empty_animations_are_refused(tmp_path):
    assert check_extension(tmp_path / "A.GIF", ".gif") == ".gif"
    assert check_extension("frame.png", (".png", ".gif")) == ".png"
    with pytest.raises(ValueError, match=r"must end in \.png or \.gif"):
        check_extension("frame.jpg", (".png", ".gif"))
    with pytest.raises(ValueError, match="no frames"):
        write_frames_gif(tmp_path / "empty.gif", _frame, 0, fps=4)
    assert list(tmp_path.iterdir()) == []


def test_steps_closed_midway_leave_no_temp_and_the_old_file(tmp_path):
    target = tmp_path / "anim.gif"
    target.write_bytes(b"old")
    steps = gif_frames_steps(target, _frame, 6, fps=10)
    assert [next(steps), next(steps)] == [(1, 6), (2, 6)]
    assert len(os.listdir(tmp_path)) == 2  # the target and the temp file beside it
    steps.close()
    assert os.listdir(tmp_path) == ["anim.gif"]
    assert target.read_bytes() == b"old"


def test_steps_failing_render_leave_no_temp(tmp_path):
    def render(index):
        if index == 3:
            raise OSError("disk full")
        return _frame(index)

    with pytest.raises(OSError, match="disk full"):
        list(gif_frames_steps(tmp_path / "anim.gif", render, 6, fps=10))
    assert os.listdir(tmp_path) == []


def test_a_full_run_of_steps_equals_write_frames_gif(tmp_path):
    steps = gif_frames_steps(tmp_path / "steps.gif", _frame, 5, fps=10)
    progress = []
    try:
        while True:
            progress.append(next(steps))
    except StopIteration as end:
        written = end.value
    assert progress == [(done, 5) for done in range(1, 6)]
    assert written == tmp_path / "steps.gif"
    whole = write_frames_gif(tmp_path / "whole.gif", _frame, 5, fps=10)
    assert written.read_bytes() == whole.read_bytes()
    assert sorted(os.listdir(tmp_path)) == ["steps.gif", "whole.gif"]
