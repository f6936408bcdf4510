"""`convviz watch`: one-line errors for folders that are not runs; a run folder fed into the
Training tab live while it grows, complete when it has ended."""

import numpy as np

from convviz.app import main
from convviz.core.runs import RunWriter
from message_checks import cli_error_line
from runs_fakes import STEPS, batch, epoch, finished, write_run


def test_watch_of_a_folder_that_is_not_a_run_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["watch", str(tmp_path / "missing")]) == 2
    assert "no such folder" in cli_error_line(capsys, "watch")
    assert main(["watch", str(tmp_path)]) == 2
    assert "not a convviz run (no run.json)" in cli_error_line(capsys, "watch")


def test_a_growing_run_shows_in_the_training_tab_then_ends(training_tab, qtbot, tmp_path):
    from convviz.ui.training.run_source import RunSource

    writer = RunWriter(tmp_path / "run", config={"epochs": 3}, source="test")
    write_run(writer, epochs=1, end=False)
    source = RunSource(training_tab, tmp_path / "run", interval_ms=20)
    source.start()
    assert training_tab.history.batch_steps == list(range(STEPS))  # what was there is read at once
    assert training_tab.summary.table.rowCount() == 3 and training_tab.summary.total_params == 27090
    assert training_tab.view.running
    for step in range(STEPS, 2 * STEPS):
        writer(batch(step))
    writer(epoch(1, 2 * STEPS - 1))  # not a batch: on disk at once
    qtbot.waitUntil(lambda: training_tab.history.batch_steps == list(range(2 * STEPS)), timeout=3000)
    assert [e.epoch for e in training_tab.history.epochs] == [0, 1]
    with qtbot.waitSignal(source.ended, timeout=3000):
        writer(finished())
        writer.close()
    assert not training_tab.view.running and not source.timer.isActive()
    assert training_tab.results.confusion.tolist() == finished().confusion.tolist()
    steps = training_tab.history.snapshot_steps
    assert steps[0] == -1 and steps[-1] == 9
    np.testing.assert_array_equal(training_tab.history.probes[-1].kernels["conv"],
                                  training_tab.history.snapshot_at(9).kernels["conv"])
