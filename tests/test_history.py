"""The timeline's history stays bounded and still spans the whole run."""

import numpy as np
import pytest

from convviz.training.events import BatchEnd, EpochEnd, Probe
from convviz.training.history import TrainingHistory, probe_nbytes


def probe(step: int) -> Probe:
    return Probe(
        epoch=step // 100, step=step, sample=np.zeros((28, 28, 1), np.float32), sample_label=3,
        kernels={"conv1": np.full((3, 3, 1, 32), step, np.float32)},
        activations=(("conv1", np.zeros((26, 26, 32), np.float32)),),
        probabilities=np.full(10, 0.1, np.float32),
    )


def test_probes_stay_within_budget_and_span_the_run():
    history = TrainingHistory(max_snapshots=16)
    for step in range(0, 20_000, 10):
        history.add(probe(step))
    steps = history.snapshot_steps
    assert len(steps) <= 16
    assert steps[0] == 0 and steps[-1] == 19_990
    assert steps == sorted(steps)
    gaps = np.diff(steps[:-1])
    assert gaps.max() <= 2 * gaps.min()  # evenly spread, not all bunched at the end
    assert history.nbytes() == sum(probe_nbytes(p) for p in history.probes)
    assert history.nbytes() <= 16 * probe_nbytes(probe(0))


def test_snapshot_at_and_curves_until_pick_the_state_at_that_moment():
    history = TrainingHistory()
    for step in range(50):
        history.add(BatchEnd(0, step, 50, step, loss=1.0 / (step + 1), accuracy=step / 50,
                             samples_per_second=1000.0, eta_seconds=0.0))
        if step % 10 == 0:
            history.add(probe(step))
    history.add(EpochEnd(0, 0.1, 0.9, 0.2, 0.85, step=49))
    assert history.snapshot_at(25).step == 20
    assert history.snapshot_at(20).step == 20
    assert history.snapshot_at(-5).step == 0
    steps, loss, accuracy = history.curves_until(25)
    assert steps.tolist() == list(range(26))
    assert loss[-1] == pytest.approx(1 / 26) and accuracy[-1] == pytest.approx(25 / 50)
    assert len(history.epochs) == 1


def test_budget_must_hold_two_snapshots():
    with pytest.raises(ValueError, match="at least 2 snapshots"):
        TrainingHistory(max_snapshots=1)
