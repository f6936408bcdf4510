"""The training lab tab."""

from convviz.ui.training.training_tab import TrainingTab

__all__ = ["TrainingTab"]
