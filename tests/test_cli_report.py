"""`convviz report`: a run folder drawn as one PNG (decoded and looked at), and one-line errors."""

import numpy as np
from PIL import Image

from convviz.app import main
from convviz.core.report import SIZE, TRAIN, TRAIN_BATCH, VALIDATION
from convviz.core.runs import RunWriter
from message_checks import cli_error_line
from runs_fakes import write_run


def _colour_count(pixels: np.ndarray, colour) -> int:
    return int((pixels == np.array(colour, np.uint8)).all(axis=-1).sum())


def test_the_report_is_a_png_with_curves_filters_and_activations(tmp_path, capsys):
    write_run(RunWriter(tmp_path / "run", config={"epochs": 2}, source="test"), epochs=3)
    out = tmp_path / "report.png"
    assert main(["report", str(tmp_path / "run"), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"Report written to {out}"
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size == SIZE
        pixels = np.asarray(image.convert("RGB"))
    loss_chart, accuracy_chart = pixels[110:420, 80:780], pixels[110:420, 870:1570]
    for chart in (loss_chart, accuracy_chart):  # every series drawn: batches, epochs, validation
        assert min(_colour_count(chart, colour) for colour in (TRAIN_BATCH, TRAIN, VALIDATION)) > 20
    filters = pixels[515:950, 580:1000]
    assert ((filters[..., 0] > 200) & (filters[..., 2] < 120)).sum() > 100  # red: positive weights
    assert ((filters[..., 2] > 200) & (filters[..., 0] < 120)).sum() > 100  # blue: negative weights
    activations = pixels[515:980, 1020:1580]
    assert len(np.unique(activations.reshape(-1, 3), axis=0)) > 50  # grey levels of real maps


def test_a_run_killed_before_any_batch_still_reports(tmp_path):
    writer = RunWriter(tmp_path / "run")
    writer.close("running")
    assert main(["report", str(tmp_path / "run"), "--out", str(tmp_path / "r.png")]) == 0
    with Image.open(tmp_path / "r.png") as image:
        assert image.size == SIZE


def test_bad_run_folders_and_outputs_are_one_line_and_exit_2(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nothing"), "--out", str(tmp_path / "r.png")]) == 2
    assert "no such folder" in cli_error_line(capsys, "report")
    assert main(["report", str(tmp_path), "--out", str(tmp_path / "r.png")]) == 2
    assert "not a convviz run" in cli_error_line(capsys, "report")
    write_run(RunWriter(tmp_path / "run"))
    assert main(["report", str(tmp_path / "run"), "--out", str(tmp_path / "r.jpg")]) == 2
    assert "ending in .png" in cli_error_line(capsys, "report")
    assert main(["report", str(tmp_path / "run"), "--out", str(tmp_path / "no/r.png")]) == 2
    assert "does not exist" in cli_error_line(capsys, "report")
    assert not list(tmp_path.glob("*.png")) and not list(tmp_path.glob(".*part"))
