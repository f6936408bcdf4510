"""The Training tab's view state without Qt: events in, what to redraw out, the timeline cursor."""

import numpy as np
import pytest

from convviz.core.training_view import CURVES, PAGE, PROGRESS, TIMELINE, TrainingView
from convviz.training.events import BatchEnd, EpochEnd, Probe
from convviz.training.history import TrainingHistory

STEPS = 4


def _probe(step):
    return Probe(epoch=max(step, 0) // STEPS, step=step, sample=np.zeros((2, 2, 1)), sample_label=1,
                 kernels={}, activations=(), probabilities=np.full(10, 0.1))


def _batch(step):
    return BatchEnd(step // STEPS, step % STEPS, STEPS, step, 1.0 / (step + 1), 0.5, 100.0, 1.0)


@pytest.fixture
def view():
    view = TrainingView(TrainingHistory(), page_interval_s=0.5)
    view.reset(TrainingHistory(), running=True)
    view.show_page("activations")
    view.take_redraws(0.0)
    return view


def test_nothing_to_redraw_until_something_arrives(view):
    assert view.take_redraws(1.0) == frozenset()
    view.add_batch(_batch(0))
    assert view.take_redraws(1.0) == {PROGRESS, CURVES}
    assert view.take_redraws(1.1) == frozenset()
    view.add_epoch(EpochEnd(0, 1.0, 0.5, 1.0, 0.5, 3))
    assert view.take_redraws(1.2) == {CURVES}


def test_while_running_the_page_waits_its_interval_unless_forced(view):
    view.add_probe(_probe(-1))
    assert view.take_redraws(10.0) == {PAGE}
    assert view.take_redraws(10.05) == {TIMELINE}
    view.add_probe(_probe(0))
    assert PAGE not in view.take_redraws(10.2)  # drawn 0.2 s ago: waits
    assert PAGE in view.take_redraws(10.6)  # still dirty, now due
    view.add_probe(_probe(1))
    assert PAGE in view.take_redraws(10.7, force=True)
    view.set_running(False)
    view.add_probe(_probe(2))
    assert PAGE in view.take_redraws(10.8)  # not running: no interval


def test_while_running_a_tick_that_draws_the_page_leaves_the_curves_to_the_next(view):
    view.add_batch(_batch(0))
    view.add_probe(_probe(0))
    assert view.take_redraws(20.0) == {PROGRESS, PAGE}
    assert view.take_redraws(20.1) == {CURVES, TIMELINE}
    view.add_batch(_batch(1))
    view.add_probe(_probe(1))
    assert view.take_redraws(20.2, force=True) == {PROGRESS, CURVES, TIMELINE, PAGE}


def test_a_page_without_pictures_has_nothing_to_draw(view):
    view.show_page("summary")
    view.add_probe(_probe(-1))
    assert PAGE not in view.take_redraws(5.0)
    view.show_page("filters")
    assert PAGE in view.take_redraws(5.1)


def test_scrubbing_pins_a_snapshot_the_end_is_live_and_new_probes_leave_it_alone(view):
    for step in range(-1, 6):
        view.add_probe(_probe(step))
    view.add_batch(_batch(5))
    view.take_redraws(1.0, force=True)
    view.scrub(2)
    assert view.pinned is view.snapshots[2] and view.shown is view.pinned and view.index == 2
    assert view.cursor_x() == pytest.approx((view.pinned.step + 1) / STEPS)
    assert {PAGE, CURVES, TIMELINE} <= view.take_redraws(1.1, force=True)  # the tab forces on a scrub
    view.add_probe(_probe(6))
    assert PAGE not in view.take_redraws(5.0)  # pinned: the newest probe does not redraw the page
    assert view.index == 2 and view.position_text().startswith("epoch 1, batch 2")
    view.scrub(len(view.history.probes) - 1)
    assert view.is_live and view.shown.step == 6 and view.cursor_x() is None
    assert view.position_text().startswith("live")


def test_a_pinned_snapshot_thinned_out_gives_way_to_the_nearest_older(view):
    view.reset(TrainingHistory(max_snapshots=8), running=True)
    for step in range(-1, 6):
        view.add_probe(_probe(step))
    view.scrub(3)
    pinned_step = view.pinned.step
    for step in range(6, 40):
        view.add_probe(_probe(step))
    view.take_redraws(1.0)
    kept = view.history.probes
    assert pinned_step not in [p.step for p in kept]
    assert view.pinned.step == max(p.step for p in kept if p.step <= pinned_step)


def test_captions_and_moments():
    view = TrainingView(TrainingHistory())
    view.add_batch(_batch(4))
    view.add_batch(_batch(5))
    assert view.moment_text(_probe(-1)) == "before training"
    assert view.moment_text(_probe(5)) == "epoch 2, batch 2"
    # batch values 0.2 and 2 * 1/6 - 0.2 = 0.1333; trend (0.1 * 0.9 * 0.2 + 0.1 * 0.1333) / (1 - 0.9 ** 2)
    assert view.caption(_probe(5)) == "epoch 2 · batch 2 · loss (trend) 0.165 · acc (trend) 50.0%"


def test_an_empty_timeline_says_so_in_words_without_counters():
    from convviz.core.training_view import TrainingView
    from convviz.training.history import TrainingHistory

    view = TrainingView(TrainingHistory())
    text = view.position_text()
    assert "timeline fills" in text and not any(ch.isdigit() for ch in text)
