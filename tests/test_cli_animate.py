"""`convviz animate`: GIFs with one frame per step, single PNG frames, one-line errors."""

import os
import subprocess
import sys

import pytest
from PIL import Image

from convviz.app import main
from convviz.arithmetic import conv_output_shape, pool_output_shape


def test_gif_has_one_frame_per_kernel_position_then_pool_window(tmp_path, capsys):
    out = tmp_path / "anim.gif"
    args = ["animate", "--input-size", "7", "--kernel-size", "3", "--stride", "2", "--padding", "same",
            "--dilation", "1", "--pool", "max", "--pool-size", "2", "--out", str(out)]
    assert main(args) == 0
    conv = conv_output_shape((7, 7), 3, 2, "same")
    pooled = pool_output_shape(conv, 2)
    with Image.open(out) as image:
        assert image.n_frames == conv[0] * conv[1] + pooled[0] * pooled[1]
    assert f"{image.n_frames} frames" in capsys.readouterr().out


def test_png_of_one_step(tmp_path):
    out = tmp_path / "frame.png"
    assert main(["animate", "--input", "digit:3", "--kernel", "sobel-x", "--kernel-size", "5",
                 "--padding", "2", "--step", "100", "--out", str(out)]) == 0
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width > 600


@pytest.mark.parametrize("args,words", [
    (["--input-size", "10000"], "between 3 and 64"),
    (["--input", "seed", "--kernel-size", "7"], "does not fit"),
    (["--kernel", "emboss"], "unknown --kernel"),
    (["--kernel", "sobel-x", "--kernel-size", "4"], "3×3 and 5×5"),
    (["--input", "digit:99999"], "digit index"),
    (["--input", "seed", "--step", "10"], "--step must be between 1 and 9"),
    (["--padding", "lots"], "--padding"),
    (["--kernel-size", "12"], "between 1 and 9"),
    (["--input", "seed", "--input-size", "9"], "5x5"),
    (["--pool", "max", "--pool-size", "9"], "pool window"),
])
def test_bad_arguments_are_one_line_and_exit_2(tmp_path, capsys, args, words):
    out = tmp_path / "anim.png" if "--step" in args else tmp_path / "anim.gif"
    assert main(["animate", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convviz animate: error:") and err.count("\n") == 1 and words in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("out", ["missing_folder/anim.gif", "anim.jpg"])
def test_bad_output_paths(tmp_path, capsys, out):
    assert main(["animate", "--out", str(tmp_path / out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convviz animate: error:") and err.count("\n") == 1


def test_runs_headless_in_a_fresh_process(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = tmp_path / "seed.gif"
    done = subprocess.run([sys.executable, "-m", "convviz", "animate", "--input", "seed", "--out", str(out)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    with Image.open(out) as image:
        assert image.n_frames == 9
    bad = subprocess.run([sys.executable, "-m", "convviz", "animate", "--input-size", "0", "--out", str(out)],
                         capture_output=True, text=True, timeout=120, env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
