"""Keras and data, no Qt: datasets, model builders, a training session reporting through callbacks."""
