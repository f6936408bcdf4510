"""`convviz animate` in depth: every kind writes the number of frames `--help` promises, impossible
combinations are one line and no file, long animations stream with progress and flat memory."""

import re
import subprocess
import sys

import pytest
from PIL import Image

from convviz.app import main
from convviz.arithmetic import conv_output_shape, conv_output_size

# What --help states, computed here from the engine's sizes: (arguments, frames)
H = 9  # --input-size
KINDS = {
    "conv": (["--in-channels", "3", "--filters", "2", "--stride", "2"],
             2 * conv_output_shape((H, H), 3, 2)[0] ** 2),
    "depthwise": (["--in-channels", "3", "--depth-multiplier", "2"], 3 * 2 * conv_output_shape((H, H), 3)[0] ** 2),
    "separable": (["--in-channels", "3", "--filters", "4", "--padding", "same"], 3 * H * H + 4 * H * H),
    "transposed": (["--in-channels", "2", "--filters", "2", "--stride", "2", "--output-padding", "1"],
                   2 * H * H),
    "conv1d": (["--in-channels", "3", "--filters", "2", "--dilation", "2"], 2 * conv_output_size(H, 3, 1, "valid", 2)),
}


def test_help_states_how_many_frames_each_kind_writes(capsys):
    with pytest.raises(SystemExit):
        main(["animate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for phrase in ("conv: filters x H' x W'", "depthwise: in-channels x multiplier x H' x W'",
                   "separable: in-channels x multiplier x H' x W' (depthwise stage) + filters x H' x W'",
                   "transposed: filters x H x W", "conv1d: filters x L'"):
        assert phrase in text
    for flag in ("--kind", "--in-channels", "--filters", "--groups", "--depth-multiplier", "--output-padding"):
        assert flag in text


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_writes_one_frame_per_step(tmp_path, capsys, kind):
    args, frames = KINDS[kind]
    out = tmp_path / f"{kind}.gif"
    assert main(["animate", "--input", "photo", "--input-size", str(H), "--kind", kind, *args,
                 "--out", str(out)]) == 0
    with Image.open(out) as image:
        assert image.n_frames == frames
    assert f"({frames} frames)" in capsys.readouterr().out


def test_a_png_of_one_step_in_depth(tmp_path):
    out = tmp_path / "one.png"
    assert main(["animate", "--input", "photo:coffee", "--input-size", "12", "--kind", "separable",
                 "--in-channels", "3", "--filters", "3", "--step", "200", "--out", str(out)]) == 0
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width == 960


@pytest.mark.parametrize("args, words", [
    (["--kind", "conv", "--in-channels", "3", "--filters", "2", "--groups", "2"], "groups must divide"),
    (["--kind", "transposed", "--stride", "2", "--output-padding", "2"], "smaller than the stride"),
    (["--kind", "conv", "--output-padding", "1", "--in-channels", "2"], "output padding applies"),
    (["--kind", "depthwise", "--in-channels", "2", "--groups", "2"], "groups apply to 'conv' and 'conv1d'"),
    (["--kind", "conv", "--depth-multiplier", "2", "--in-channels", "2"], "depth multiplier applies"),
    (["--kind", "depthwise", "--filters", "4"], "--filters does not apply to depthwise"),
    (["--in-channels", "9"], "--in-channels must be between 1 and 8"),
    (["--filters", "0"], "--filters must be between 1 and 8"),
    (["--kind", "transposed", "--padding", "2", "--in-channels", "2"], "'valid' or 'same'"),
    (["--input", "photo:moon"], "unknown photo"),
    (["--kind", "separable", "--in-channels", "2", "--pool", "max"], "pooling"),
])
def test_impossible_combinations_are_one_line_exit_2_and_no_file(tmp_path, capsys, args, words):
    out = tmp_path / "anim.gif"
    assert main(["animate", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convviz animate: error:") and err.count("\n") == 1 and words in err
    assert list(tmp_path.iterdir()) == []


PEAK = ("import resource, sys; from convviz.app import main; code = main(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, code)")


def test_long_animations_stream_with_flat_memory_and_show_progress(tmp_path):
    runs = {}
    for filters in (8, 1):  # 16x16 cells per filter: 2,048 frames vs 256 frames, the same frame size
        out = tmp_path / f"f{filters}.gif"
        args = ["animate", "--input", "random", "--input-size", "18", "--in-channels", "2",
                "--filters", str(filters), "--out", str(out)]
        runs[filters] = (out, subprocess.Popen([sys.executable, "-c", PEAK, *args], stdout=subprocess.PIPE,
                                               stderr=subprocess.PIPE, text=True))
    peaks = {}
    for filters, (out, process) in runs.items():
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
        peak_kb, code = stdout.strip().splitlines()[-1].split()
        peaks[filters] = int(peak_kb) / 1024
        frames = 16 * 16 * filters
        with Image.open(out) as image:
            assert image.n_frames == frames
        assert re.search(rf"frames {frames}/{frames} \[=+\]", stderr)
        assert stderr.count("\n") <= 12  # not a terminal: a line per tenth, not per frame
    print(f"peak RSS: {peaks[8]:.1f} MB (2,048 frames), {peaks[1]:.1f} MB (256 frames)")
    assert peaks[8] - peaks[1] < 30, f"peak RSS {peaks[8]:.0f} MB for 2,048 frames vs {peaks[1]:.0f} MB for 256"
