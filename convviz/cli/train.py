"""`convviz train`: train a CNN on MNIST, Fashion-MNIST, CIFAR-10 or your images headless.

Prints where the data comes from, the model summary, one progress bar per epoch and the test
accuracy; ``--json`` prints only one JSON object with the final metrics. Warnings about the data
(classes without images) go to stderr, one line each, and into the JSON's ``warnings`` list. Bad arguments, data,
a model that does not fit the images, or output paths are one-line errors (exit code 2) found
before TensorFlow starts. ``--strategy mirrored`` trains on all local GPUs; ``--strategy
multiworker`` trains in lockstep with the other worker processes ``TF_CONFIG`` names, and only the
chief (worker 0) saves ``--out``. Ctrl+C once stops after the current batch and still scores
(and saves) the model.
"""

from __future__ import annotations

import json
import signal
import sys
import threading

from convviz.cli import CliError, options, quiet_tensorflow_import
from convviz.cli.progress import EpochProgress, print_model_summary, print_warnings
from convviz.cli.run_folder import PROBE_EVERY, finish_run, open_run, tee
from convviz.core.gate import safe_line, safe_name

DEFAULTS = {"data": "mnist", "model": "seed", "epochs": 5, "batch_size": 64, "learning_rate": 1e-3}
STRATEGY_CHOICES = ("none", "default", "mirrored", "multiworker")


def register(subparsers) -> None:
    """Add the ``train`` subcommand to ``subparsers``."""
    from convviz.training.models import MODEL_PRESETS

    parser = subparsers.add_parser(
        "train", help="train a CNN on MNIST, Fashion-MNIST, CIFAR-10 or your images headless",
        description="Train a CNN on MNIST (full MNIST via Keras when online, else the bundled "
        "10,000 training digits, tested on the official 10,000-digit test set; CONVVIZ_OFFLINE=1 "
        "never downloads), Fashion-MNIST or CIFAR-10 "
        "(via Keras, or its cache offline) or on your own images.",
    )
    parser.add_argument("--data", default=DEFAULTS["data"], type=options.data_source, metavar="mnist|fashion_mnist|cifar10|PATH",
                        help="'mnist' (default), 'fashion_mnist', 'cifar10', an .npz file (x, y or "
                        "x_train, y_train, x_test, y_test; images (N, H, W) or (N, H, W, C)), "
                        "a folder of IDX files or a folder of class subfolders of images")
    parser.add_argument("--model", default=DEFAULTS["model"], choices=list(MODEL_PRESETS),
                        help="architecture (default: seed)")
    parser.add_argument("--epochs", type=options.epochs, default=DEFAULTS["epochs"], help="default: 5")
    parser.add_argument("--batch-size", type=options.batch_size, default=DEFAULTS["batch_size"], help="default: 64")
    parser.add_argument("--learning-rate", type=options.learning_rate, default=DEFAULTS["learning_rate"],
                        help="RMSprop learning rate (default: 0.001)")
    parser.add_argument("--limit", type=options.limit, default=None, metavar="N",
                        help="use at most N samples of each split (quick runs)")
    parser.add_argument("--seed", type=options.seed, default=0, help="random seed (default: 0)")
    parser.add_argument("--strategy", default="none", choices=STRATEGY_CHOICES,
                        help="tf.distribute strategy: 'mirrored' uses all local GPUs (one replica on "
                        "a CPU); 'multiworker' trains with the workers TF_CONFIG lists (only worker 0 "
                        "saves --out); default: none")
    parser.add_argument("--out", default=None, type=options.output_path, metavar="FILE.keras", help="save the trained model here")
    parser.add_argument("--json", action="store_true", help="print only one JSON object with the final metrics")
    parser.add_argument("--run-dir", default=None, metavar="DIR",
                        help="write the run (settings, metrics, snapshots, summary, final model) to the "
                        "folder DIR as it trains; see it with 'convviz watch DIR' or 'convviz report DIR'")
    parser.set_defaults(run=run)


def _config(args):
    """A TrainingConfig from ``args``, or CliError naming the bad value."""
    from convviz.training.session import TrainingConfig

    try:
        return TrainingConfig(data=args.data, model=args.model, epochs=args.epochs,
                              batch_size=args.batch_size, learning_rate=args.learning_rate,
                              limit=args.limit, seed=args.seed,
                              probe_every=PROBE_EVERY if getattr(args, "run_dir", None) else 0,
                              strategy=None if args.strategy == "none" else args.strategy)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def run(args) -> int:
    """Run ``convviz train``: 0 when training finished (or was stopped), 1 when it failed."""
    from convviz.training.data import DataError, dataset_names, load_dataset
    from convviz.training.models import check_preset_fits
    from convviz.training.storage import ModelFileError, check_save_path

    config = _config(args)
    try:
        if config.strategy == "multiworker":
            from convviz.training.strategies import worker_of

            worker_of()  # a malformed TF_CONFIG fails here, before TensorFlow starts
        out = check_save_path(args.out) if args.out else None
        if str(config.data) in dataset_names():  # loaded through Keras: TensorFlow starts here
            quiet_tensorflow_import()
        dataset = load_dataset(config.data, config.limit)
        check_preset_fits(config.model, dataset.input_shape, dataset.num_classes)
    except (DataError, ModelFileError, ValueError) as exc:
        raise CliError(str(exc)) from None
    writer = open_run(getattr(args, "run_dir", None), config)  # a folder we cannot write: before TensorFlow
    quiet_tensorflow_import()
    session = _session(config, dataset)
    reporter = _Reporter(config, quiet=args.json, session=session)
    try:
        with _stop_on_first_interrupt(session, quiet=args.json):
            session.run(tee(reporter, writer))
    finally:
        finish_run(writer, session.model if reporter.finished is not None else None)
    if reporter.failed is not None:
        print(f"convviz train: training failed: {reporter.failed.message}", file=sys.stderr)
        return 1
    saved, chief = None, getattr(session, "should_save", True)
    if out is not None and chief:
        from convviz.training.storage import save_model

        try:
            saved = str(save_model(session.model, out))
        except ModelFileError as exc:
            raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps(reporter.summary(saved)))
    else:
        print(reporter.final_line())
        print(f"Saved the model to {saved}" if saved else "Model not saved (use --out FILE.keras to keep it)"
              if chief else "Model not saved: the chief (worker 0) saves it")
    return 0


def _session(config, dataset):
    """The session that trains ``config``: the multiworker loop, or the usual TrainingSession."""
    if config.strategy == "multiworker":
        from convviz.training.multiworker import MultiWorkerSession

        return MultiWorkerSession(config, dataset=dataset)
    from convviz.training.session import TrainingSession

    return TrainingSession(config, dataset=dataset)


class _Reporter:
    """Receives the session's events: prints them (unless quiet) and keeps the final numbers."""

    def __init__(self, config, quiet: bool, session=None):
        self.config = config
        self.quiet = quiet
        self.session = session
        self.data = self.model = self.finished = self.failed = self.last_epoch = None
        self.epochs_run = 0
        self.samples_per_second = 0.0
        self._progress: EpochProgress | None = None

    def __call__(self, event) -> None:
        from convviz.training import events

        if isinstance(event, events.DataReady):
            self.data = event
            self._say(f"Data: {safe_line(event.source)}")
            shapes = event.shapes
            self._say(f"      {shapes['x_train'][0]:,} training, {shapes['x_val'][0]:,} validation, "
                      f"{shapes['x_test'][0]:,} test images of {shapes['x_train'][1:]}")
            names = self._dataset_attr("class_names") or []
            if names:
                shown = ", ".join(safe_name(name, 40) for name in names[:12]) + (", ..." if len(names) > 12 else "")
                self._say(f"      {len(names)} classes: {shown}")
            print_warnings("train", [safe_line(text) for text in event.warnings])
        elif isinstance(event, events.ModelReady):
            self.model = event
            if not self.quiet:
                print_model_summary(event, self.config.model)
            if self.config.strategy is not None:
                from convviz.training.strategies import describe_strategy

                self._say(f"Strategy: {describe_strategy(getattr(self.session, 'strategy', None))}")
        elif isinstance(event, events.BatchEnd):
            self.samples_per_second = event.samples_per_second
            if not self.quiet:
                if event.batch == 0:
                    self._progress = EpochProgress(event.epoch, self.config.epochs, event.steps_per_epoch)
                self._progress.update(event)
        elif isinstance(event, events.EpochEnd):
            self.last_epoch = event
            self.epochs_run = event.epoch + 1
            if self._progress is not None:
                self._progress.finish(event)
        elif isinstance(event, events.Finished):
            self.finished = event
        elif isinstance(event, events.Failed):
            self.failed = event

    def _dataset_attr(self, name: str):
        dataset = getattr(self.session, "dataset", None)
        return getattr(dataset, name, None)

    def _say(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)

    def final_line(self) -> str:
        """The closing line: test accuracy, loss, time, speed."""
        done = self.finished
        stopped = " (stopped early)" if done.stopped else ""
        tested = int(done.confusion.sum())
        return (f"Test accuracy: {done.test_accuracy:.4f} (loss {done.test_loss:.4f}, "
                f"{tested:,} test images){stopped}; {done.seconds:.1f} s, "
                f"{self.samples_per_second:,.0f} samples/s")

    def summary(self, saved: str | None) -> dict:
        """The final metrics as a JSON-ready dict."""
        done, epoch = self.finished, self.last_epoch
        return {
            "data": safe_line(self.data.source),
            "is_fallback": self.data.is_fallback,
            "model": self.config.model,
            "params": self.model.total_params,
            "epochs": self.config.epochs,
            "epochs_run": self.epochs_run,
            "stopped": done.stopped,
            "batch_size": self.config.batch_size,
            "learning_rate": self.config.learning_rate,
            "train_samples": self.data.shapes["x_train"][0],
            "input_shape": list(self.data.shapes["x_train"][1:]),
            "num_classes": self.data.shapes["y_train"][1],
            "class_names": [safe_name(name) for name in self._dataset_attr("class_names") or []],
            "warnings": [safe_line(text) for text in self.data.warnings],
            "strategy": self.config.strategy,
            "loss": epoch.loss if epoch else None,
            "accuracy": epoch.accuracy if epoch else None,
            "val_loss": epoch.val_loss if epoch else None,
            "val_accuracy": epoch.val_accuracy if epoch else None,
            "test_loss": done.test_loss,
            "test_accuracy": done.test_accuracy,
            "test_samples": int(done.confusion.sum()),
            "confusion": done.confusion.tolist(),
            "seconds": done.seconds,
            "samples_per_second": self.samples_per_second,
            "saved_to": saved,
        }


class _stop_on_first_interrupt:
    """Context manager: the first Ctrl+C asks the session to stop, the second interrupts."""

    def __init__(self, session, quiet: bool):
        self.session, self.quiet, self.previous = session, quiet, None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        self.session.stop()
        if not self.quiet:
            print("\nStopping after this batch (Ctrl+C again to abort)...", file=sys.stderr, flush=True)
        signal.signal(signal.SIGINT, self.previous or signal.default_int_handler)

    def __exit__(self, *exc_info):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False
