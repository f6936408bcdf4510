"""Terminal output of the headless commands: a Keras-like progress bar, a model summary table, warnings."""

from __future__ import annotations

import sys
import time

BAR_WIDTH = 30
REDRAW_SECONDS = 0.1


def print_model_summary(model_ready, preset: str | None = None, stream=None) -> None:
    """Print the layers of a ModelReady event as a table, like ``model.summary()``."""
    stream = stream or sys.stdout
    rows = [(f"{layer.name} ({layer.kind})", str(layer.output_shape), f"{layer.params:,}")
            for layer in model_ready.layers]
    header = ("Layer (type)", "Output shape", "Params")
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(3)]
    line = "  ".join(["{:<%d}" % widths[0], "{:<%d}" % widths[1], "{:>%d}" % widths[2]])
    print(f'Model: "{model_ready.name}"', file=stream)
    print(line.format(*header), file=stream)
    print("-" * (sum(widths) + 4), file=stream)
    for row in rows:
        print(line.format(*row), file=stream)
    print(f"Total params: {model_ready.total_params:,} (trainable: {model_ready.trainable_params:,})",
          file=stream)
    if preset is not None:
        from convviz.training.models import MODEL_PRESETS

        if preset in MODEL_PRESETS and preset != "seed":
            print(f"Note: {MODEL_PRESETS[preset].note}", file=stream)
    stream.flush()


def print_warnings(command: str, warnings, stream=None) -> None:
    """Print each warning as one ``convviz COMMAND: warning: ...`` line on stderr."""
    stream = stream or sys.stderr
    for warning in warnings:
        print(f"convviz {command}: warning: {warning}", file=stream, flush=True)


def _metrics(loss: float, accuracy: float, prefix: str = "") -> str:
    return f"{prefix}loss: {loss:.4f} - {prefix}accuracy: {accuracy:.4f}"


class EpochProgress:
    """One epoch's progress bar: redrawn in place on a terminal, one line per epoch otherwise."""

    def __init__(self, epoch: int, epochs: int, steps: int, stream=None):
        self.stream = stream or sys.stdout
        self.steps = steps
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.perf_counter()
        self._last_draw = 0.0
        self._text = ""
        print(f"Epoch {epoch + 1}/{epochs}", file=self.stream, flush=True)

    def _bar(self, done: int) -> str:
        filled = BAR_WIDTH * done // self.steps
        arrow = ">" if done < self.steps else ""
        bar = ("=" * filled + arrow)[:BAR_WIDTH].ljust(BAR_WIDTH, ".")
        width = len(str(self.steps))
        return f"{done:>{width}}/{self.steps} [{bar}]"

    def update(self, batch_end) -> None:
        """Show the state after one batch (throttled redraws on a terminal, silent otherwise)."""
        self._text = (f"{self._bar(batch_end.batch + 1)} - {_metrics(batch_end.loss, batch_end.accuracy)}"
                      f" - {batch_end.samples_per_second:,.0f} samples/s")
        now = time.perf_counter()
        if self.interactive and now - self._last_draw >= REDRAW_SECONDS:
            self._last_draw = now
            self.stream.write("\r" + self._text)
            self.stream.flush()

    def finish(self, epoch_end) -> None:
        """Close the epoch's line with the time taken and the validation metrics."""
        seconds = time.perf_counter() - self.started
        done = self._text.split(" - ", 1)[0] if self._text else self._bar(self.steps)
        line = (f"{done} {seconds:.0f}s - {_metrics(epoch_end.loss, epoch_end.accuracy)} - "
                f"{_metrics(epoch_end.val_loss, epoch_end.val_accuracy, 'val_')}")
        self.stream.write(("\r" + line + "\x1b[K\n") if self.interactive else line + "\n")
        self.stream.flush()
