"""Small, real events for run-folder tests (no Keras): batches, epochs and probes of a tiny network."""

import numpy as np

from convviz.training.events import (
    BatchEnd, DataReady, EpochEnd, Finished, LayerInfo, ModelReady, Probe,
)

STEPS = 10


def data_ready() -> DataReady:
    """The data event of a 3-image, 28x28 run."""
    rng = np.random.default_rng(0)
    return DataReady("fake digits", False, {"x_train": (30, 28, 28, 1), "y_train": (30, 10)},
                     rng.random((9, 28, 28), dtype=np.float32), np.arange(9), tuple("0123456789"))


def model_ready() -> ModelReady:
    """A one-convolution model's summary."""
    return ModelReady("tiny", (LayerInfo("conv", "Conv2D", (26, 26, 4), 40),
                               LayerInfo("flat", "Flatten", (2704,), 0),
                               LayerInfo("out", "Dense", (10,), 27050)), 27090, 27090)


def batch(step: int, steps: int = STEPS) -> BatchEnd:
    """The batch at global ``step``; loss falls with the step so curves have a shape."""
    return BatchEnd(epoch=step // steps, batch=step % steps, steps_per_epoch=steps, step=step,
                    loss=2.3 / (1 + step / 5), accuracy=min(0.1 + step / 50, 1.0),
                    samples_per_second=1000.0, eta_seconds=1.0)


def epoch(index: int, step: int) -> EpochEnd:
    """The end of epoch ``index`` at ``step``."""
    return EpochEnd(epoch=index, loss=2.0 / (index + 1), accuracy=0.3 + 0.1 * index,
                    val_loss=2.1 / (index + 1), val_accuracy=0.25 + 0.1 * index, step=step)


def probe(step: int) -> Probe:
    """A probe whose arrays encode ``step`` so a test can tell snapshots apart."""
    rng = np.random.default_rng(step + 10)
    kernel = rng.normal(size=(3, 3, 1, 4)).astype(np.float32)
    return Probe(epoch=max(step, 0) // STEPS, step=step, sample=np.full((28, 28, 1), 0.5, np.float32),
                 sample_label=7, kernels={"conv": kernel},
                 activations=(("conv", rng.random((26, 26, 4), dtype=np.float32)),
                              ("flat", np.full(2704, float(step), np.float32)),
                              ("out", np.full(10, 0.1, np.float32))),
                 probabilities=np.full(10, 0.1, np.float32))


def finished() -> Finished:
    """A normal end with a 10-class confusion matrix."""
    return Finished(stopped=False, test_loss=0.5, test_accuracy=0.9,
                    confusion=np.diag(np.full(10, 9)) + 1, seconds=2.5)


def write_run(writer, epochs: int = 2, probe_every: int = 5, end: bool = True) -> None:
    """Write a whole fake run of ``epochs`` epochs into ``writer``."""
    writer(data_ready())
    writer(model_ready())
    writer(probe(-1))
    for index in range(epochs):
        for step in range(index * STEPS, (index + 1) * STEPS):
            writer(batch(step))
            if (step + 1) % probe_every == 0:
                writer(probe(step))
        writer(epoch(index, (index + 1) * STEPS - 1))
    if end:
        writer(finished())
        writer.close()
