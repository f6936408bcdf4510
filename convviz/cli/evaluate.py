"""`convviz evaluate`: score a saved ``.keras`` model on MNIST, Fashion-MNIST, CIFAR-10 or your images.

Prints which data it scored (the data's source text), then accuracy and loss on the data's
test split (or on every image with ``--split all``); ``--json`` prints one JSON object instead.
Warnings about the data go to stderr, one line each, and into the JSON's ``warnings``. A bad
model or data file, a model whose input shape is not the images' (H, W, C), or one with fewer
outputs than the data has classes, is a one-line error with exit code 2.
"""

from __future__ import annotations

import json

from convviz.cli import CliError, options, quiet_tensorflow_import
from convviz.cli.progress import print_warnings
from convviz.core.gate import safe_line, safe_name

SPLITS = ("test", "all")


def register(subparsers) -> None:
    """Add the ``evaluate`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "evaluate", help="score a saved .keras model on MNIST, Fashion-MNIST, CIFAR-10 or your images",
        description="Score a saved .keras model (as `convviz train --out` writes it).",
    )
    parser.add_argument("--model", required=True, type=options.existing_path, metavar="FILE.keras", help="the model to score")
    parser.add_argument("--data", default="mnist", type=options.data_source, metavar="mnist|fashion_mnist|cifar10|PATH",
                        help="'mnist' (default), 'fashion_mnist', 'cifar10', an .npz file, a folder "
                        "of IDX files or a folder of class subfolders of images")
    parser.add_argument("--split", default="test", choices=SPLITS,
                        help="'test' (default): the data's test split; 'all': every image")
    parser.add_argument("--limit", type=options.limit, default=None, metavar="N",
                        help="use at most N samples of each split")
    parser.add_argument("--json", action="store_true", help="print only one JSON object")
    parser.set_defaults(run=run)


def _images_and_labels(dataset, split: str):
    import numpy as np

    if split == "test":
        return dataset.x_test, dataset.labels_test
    return (np.concatenate([dataset.x_train, dataset.x_val, dataset.x_test]),
            np.concatenate([dataset.labels_train, dataset.labels_val, dataset.labels_test]))


def _classes_to_expect(model, data_classes: int) -> int:
    """The model's output count when it covers every class of the data, else the data's count.

    A model may output more classes than a small data file happens to contain (a 10-digit
    model scored on digits 0-4), never fewer.
    """
    try:
        outputs = model.output_shape[-1]
    except Exception:  # check_model_fits reports an unreadable shape
        return data_classes
    return outputs if isinstance(outputs, int) and outputs >= data_classes else data_classes


def run(args) -> int:
    """Run ``convviz evaluate``; 0 on success."""
    from convviz.training.data import DataError, dataset_names, load_dataset
    from convviz.training.storage import ModelFileError, check_model_fits, load_model

    try:
        if str(args.data) in dataset_names():  # loaded through Keras: TensorFlow starts here
            quiet_tensorflow_import()
        dataset = load_dataset(args.data, args.limit)
        quiet_tensorflow_import()
        model = load_model(args.model)
        images, labels = _images_and_labels(dataset, args.split)
        check_model_fits(model, images.shape[1:], _classes_to_expect(model, dataset.num_classes),
                         name=str(args.model))
    except (DataError, ModelFileError) as exc:
        raise CliError(str(exc)) from None
    from convviz.training.evaluation import evaluate_model

    print_warnings("evaluate", [safe_line(text) for text in dataset.warnings])
    try:
        result = evaluate_model(model, images, labels)
    except Exception as exc:  # a model Keras loaded but cannot run on these images
        raise CliError(f"{args.model}: the model cannot run on these images ({type(exc).__name__})") from None
    if args.json:
        print(json.dumps({
            "model": safe_line(str(args.model)), "data": safe_line(dataset.source), "is_fallback": dataset.is_fallback,
            "split": args.split, "samples": result.count, "loss": result.loss,
            "accuracy": result.accuracy, "confusion": result.confusion.tolist(),
            "input_shape": list(images.shape[1:]), "num_classes": dataset.num_classes,
            "class_names": [safe_name(name) for name in dataset.class_names],
            "warnings": [safe_line(text) for text in dataset.warnings],
        }))
    else:
        scored = "test images" if args.split == "test" else "images of all splits (training, validation, test)"
        print(f"Data: {safe_line(dataset.source)}")
        print(f"Accuracy: {result.accuracy:.4f} ({int(result.confusion.trace()):,} of {result.count:,} "
              f"{scored} right)")
        print(f"Loss: {result.loss:.4f}")
    return 0
