"""Run folders without Keras: round trip of every event, torn and broken lines, bounded snapshots,
a writer killed by SIGKILL, a follower seeing a growing run within 0.5 s."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from convviz.core.runs import (
    RunFollower, RunFormatError, RunReader, RunRecord, RunWriteError, RunWriter, from_record, is_chief, to_record,
)
from convviz.training.events import EVENT_TYPES, Probe
from convviz.training.history import TrainingHistory
from runs_fakes import batch, data_ready, finished, model_ready, probe, write_run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _same(a, b) -> None:
    """Two events are equal field by field, arrays included."""
    assert type(a) is type(b)
    for name in a.__dataclass_fields__:
        left, right = getattr(a, name), getattr(b, name)
        if name == "activations":
            assert [n for n, _ in left] == [n for n, _ in right]
            for (_, x), (_, y) in zip(left, right):
                np.testing.assert_array_equal(x, y)
        elif name == "kernels":
            assert left.keys() == right.keys()
            for key in left:
                np.testing.assert_array_equal(left[key], right[key])
        elif isinstance(left, np.ndarray):
            assert left.dtype == right.dtype
            np.testing.assert_array_equal(left, right)
        else:
            assert left == right, name


def test_every_event_survives_the_record_round_trip_exactly():
    for event in (data_ready(), model_ready(), batch(3), finished(), probe(4)):
        record = json.loads(json.dumps(to_record(event)))
        _same(from_record(record, EVENT_TYPES), event)
    generic = from_record(json.loads(json.dumps(to_record(batch(3)))))
    assert isinstance(generic, RunRecord) and generic.type == "BatchEnd" and generic.loss == batch(3).loss


def test_a_written_run_reads_back_event_for_event(tmp_path):
    events = []
    writer = RunWriter(tmp_path / "run", config={"epochs": 2}, source="test")
    write_run(lambda event: (events.append(event), writer(event)) and None, end=False)
    writer(finished())
    events.append(finished())
    writer.close()
    run = RunReader(tmp_path / "run", EVENT_TYPES)
    read = run.read_all()
    assert [type(e).__name__ for e in read] == [type(e).__name__ for e in events]
    for got, want in zip(read, events):
        _same(got, want)
    assert run.finished and run.info["status"] == "finished" and run.config == {"epochs": 2}
    assert run.summary == model_ready() and json.loads((tmp_path / "run/summary.json").read_text())["total_params"] == 27090
    assert run.poll() == []  # nothing new
    with pytest.raises(RunWriteError, match="already holds a run"):
        RunWriter(tmp_path / "run")


def test_a_torn_last_line_waits_and_a_broken_line_is_skipped(tmp_path):
    writer = RunWriter(tmp_path / "run")
    writer(batch(0))
    writer(batch(1))
    writer.close()
    events_file = tmp_path / "run/events.jsonl"
    line = json.dumps(to_record(batch(2))) + "\n"
    with open(events_file, "a") as handle:
        handle.write("{not json\n" + line[:25])  # a corrupted line, then a write caught halfway
    run = RunReader(tmp_path / "run", EVENT_TYPES)
    assert [e.step for e in run.poll()] == [0, 1] and run.skipped_lines == 1
    with open(events_file, "a") as handle:
        handle.write(line[25:])
    assert run.poll() == [batch(2)]


def test_bad_folders_are_one_line_errors(tmp_path):
    for path, fragment in ((tmp_path / "missing", "no such folder"), (tmp_path, "no run.json")):
        with pytest.raises(RunFormatError, match=fragment) as caught:
            RunReader(path)
        assert "\n" not in str(caught.value)
    (tmp_path / "run.json").write_text(json.dumps({"kind": "convviz-run", "format": 99}))
    with pytest.raises(RunFormatError, match="format 99 is not supported"):
        RunReader(tmp_path)


def test_snapshots_stay_bounded_and_spread_like_the_apps_timeline(tmp_path):
    writer, history = RunWriter(tmp_path / "run", max_snapshots=12), TrainingHistory(max_snapshots=12)
    for step in range(-1, 400):
        writer(probe(step))
        history.add(Probe(epoch=0, step=step, sample=np.zeros(1), sample_label=0, kernels={},
                          activations=(), probabilities=np.zeros(1)))
    writer.close()
    run = RunReader(tmp_path / "run", EVENT_TYPES)
    kept = [p.step for p in run.read_all()]
    assert len(run.snapshot_paths()) == len(kept) <= 12
    assert kept == history.snapshot_steps and kept[0] == -1 and kept[-1] == 399
    _same(run.events[-1], probe(399))


def test_is_chief_reads_tf_config():
    worker = lambda kind, index, chief=False: json.dumps(  # noqa: E731
        {"cluster": {"worker": ["a:1", "b:1"], **({"chief": ["c:1"]} if chief else {})},
         "task": {"type": kind, "index": index}})
    assert is_chief("") and is_chief("not json") and is_chief(worker("worker", 0))
    assert not is_chief(worker("worker", 1)) and not is_chief(worker("worker", 0, chief=True))
    assert is_chief(worker("chief", 0, chief=True)) and not is_chief(worker("evaluator", 0))


WRITER_SCRIPT = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from convviz.core.runs import RunWriter
    from convviz.training.events import EpochEnd
    from runs_fakes import batch, probe
    writer = RunWriter(sys.argv[1], source="killed")
    step = 0
    while True:
        writer(batch(step), written_at=time.time())
        if step % 10 == 9:
            writer(probe(step))
        if step % 50 == 49:
            writer(EpochEnd(step // 50, 1.0, 0.5, 1.0, 0.5, step))  # not a batch: flushed at once
            print(step, flush=True)
        step += 1
        time.sleep(0.002)
""")


def _start_writer(tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER_SCRIPT.format(tests=os.path.join(ROOT, "tests")))
    return subprocess.Popen([sys.executable, str(script), str(tmp_path / "run")], stdout=subprocess.PIPE,
                            text=True, cwd=ROOT)


def test_a_writer_killed_by_sigkill_leaves_a_run_readable_to_its_last_flush(tmp_path):
    child = _start_writer(tmp_path)
    try:
        flushed = [int(child.stdout.readline()) for _ in range(3)]  # three epochs written and flushed
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    run = RunReader(tmp_path / "run", EVENT_TYPES)
    run.poll()
    steps = [event.step for event in run.of_type("BatchEnd")]
    assert steps == list(range(len(steps))) and steps[-1] >= flushed[-1]
    assert not run.finished and run.info["status"] == "running"
    probes = run.of_type("Probe")
    assert probes and all(p.step % 10 == 9 for p in probes)
    _same(probes[-1], probe(probes[-1].step))  # every snapshot on disk is whole


def test_a_follower_sees_new_batches_within_half_a_second(tmp_path):
    child = _start_writer(tmp_path)
    try:
        deadline = time.monotonic() + 20
        while not (tmp_path / "run/run.json").exists():
            assert time.monotonic() < deadline, "the writer never started"
            time.sleep(0.01)
        follower, delays = RunFollower(tmp_path / "run"), []
        while len(delays) < 300:
            assert time.monotonic() < deadline, "too few batches arrived"
            events = follower.wait(5, interval=0.02)
            seen = time.time()
            delays += [seen - e.written_at for e in events if e.type == "BatchEnd"]
    finally:
        child.kill()
        child.wait(timeout=10)
    assert max(delays) < 0.5, f"slowest batch took {max(delays):.3f} s to be seen"
