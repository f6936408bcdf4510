"""A loaded model scored on the test set of the chosen data, for the Training tab (no Qt).

:func:`score_on_test_set` runs where TensorFlow may run (a worker thread): it loads the data,
checks that the model takes its images, and evaluates it, keeping every test image with its
probabilities for the error analysis. Anything that stands in the way becomes ``problem``, one
line; loading the model itself has succeeded by then and stays a success.
"""

from __future__ import annotations

from dataclasses import dataclass

from convviz.core.runs.test_predictions import TestPredictions, as_predictions
from convviz.training.data import load_dataset
from convviz.training.errors import DataError
from convviz.training.evaluation import Evaluation, evaluate_model
from convviz.training.loaded_models import fit_problem

__all__ = ["TestScore", "score_on_test_set"]


@dataclass(frozen=True)
class TestScore:
    """A model's metrics on a test set and that test set's predictions, or why there are none."""

    __test__ = False  # not a pytest test class, whatever its name says

    evaluation: Evaluation | None
    predictions: TestPredictions | None
    where: str  # the data in words ("MNIST offline sample: ...")
    problem: str = ""  # why it was not scored ("" when it was)


def score_on_test_set(model, name: str, input_shape: tuple, num_classes: int, data, limit: int | None) -> TestScore:
    """Evaluate ``model`` (it takes ``input_shape`` images, scores ``num_classes`` classes) on the
    test split of ``data`` (a :func:`~convviz.training.data.load_dataset` source, ``limit`` per split)."""
    try:
        dataset = load_dataset(data, limit)
    except DataError as exc:
        return TestScore(None, None, "", f"not scored on the test set: {exc}")
    # a model may score more classes than the data holds (a 10-digit model on digits 0-4), never fewer
    classes = num_classes if num_classes >= dataset.num_classes else dataset.num_classes
    problem = fit_problem(name, input_shape, num_classes, dataset.input_shape, classes)
    if problem:
        return TestScore(None, None, dataset.source, f"not scored on the test set: {problem}")
    try:
        evaluation = evaluate_model(model, dataset.x_test, dataset.labels_test)
        predictions = as_predictions(dataset.labels_test, evaluation.probabilities, dataset.x_test)
    except Exception as exc:  # a model Keras loaded but cannot run on these images
        return TestScore(None, None, dataset.source,
                         f"not scored on the test set: it cannot run on these images ({type(exc).__name__})")
    return TestScore(evaluation, predictions, dataset.source)
