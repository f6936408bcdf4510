"""The training lab tab (``training_tab.TrainingTab``)."""
