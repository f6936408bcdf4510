"""The value range a model expects, and any photo prepared for it (numpy + Pillow, no TensorFlow).

:func:`expected_input_range` guesses the scaling from the model itself: a ``Rescaling`` layer
inside means raw [0, 255] pixels; a Keras Applications model (by its name) means that family's
``preprocess_input`` mode; anything else [0, 1]. :func:`prepare_image` turns an RGB or grey
uint8 image of any size into the model's input shape and range.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

INPUT_RANGES = ("[0,1]", "[0,255]", "caffe", "tf", "torch")
RANGE_LABELS = {
    "[0,1]": "pixels / 255, in [0, 1]",
    "[0,255]": "raw pixels in [0, 255] (the model rescales them itself)",
    "caffe": "BGR, minus the ImageNet mean per channel (VGG, ResNet)",
    "tf": "pixels / 127.5 − 1, in [−1, 1] (MobileNet, Inception, Xception)",
    "torch": "pixels / 255, minus the ImageNet mean, over its standard deviation (DenseNet)",
}
FITS = ("crop", "pad")
_CAFFE_MEAN_BGR = np.array([103.939, 116.779, 123.68])
_TORCH_MEAN = np.array([0.485, 0.456, 0.406])
_TORCH_STD = np.array([0.229, 0.224, 0.225])
# Keras Applications model names (their prefix) and their preprocess_input mode.
_APPLICATIONS = (
    ("resnet50v2", "tf"), ("resnet101v2", "tf"), ("resnet152v2", "tf"),
    ("resnet", "caffe"), ("vgg", "caffe"),
    ("mobilenet", "tf"), ("inception", "tf"), ("xception", "tf"), ("nasnet", "tf"),
    ("densenet", "torch"),
)


def _models_and_layers(model):
    """``model`` and every layer inside it, nested models opened."""
    yield model
    for layer in getattr(model, "layers", ()):
        yield from _models_and_layers(layer)


def expected_input_range(model) -> str:
    """One of :data:`INPUT_RANGES`: the scaling ``model`` most likely expects.

    A ``Rescaling`` layer anywhere inside → "[0,255]"; a Keras Applications model or
    backbone (found by name) → its ``preprocess_input`` mode; else "[0,1]".
    """
    parts = list(_models_and_layers(model))
    if any(type(part).__name__ == "Rescaling" for part in parts):
        return "[0,255]"
    for part in parts:
        name = str(getattr(part, "name", "")).lower()
        if hasattr(part, "layers"):
            for prefix, mode in _APPLICATIONS:
                if name.startswith(prefix):
                    return mode
    return "[0,1]"


def _channels(image: np.ndarray, channels: int) -> np.ndarray:
    """``image`` as (H, W, channels): grey repeated to RGB, RGB to grey by luminance, alpha dropped."""
    if image.ndim == 2:
        image = image[:, :, None]
    if image.shape[2] == 4:
        image = image[:, :, :3]
    if image.shape[2] == channels:
        return image
    if channels == 1:
        grey = image[:, :, :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])
        return grey[:, :, None]
    if image.shape[2] == 1 and channels == 3:
        return np.repeat(image, 3, axis=2)
    raise ValueError(f"an image with {image.shape[2]} channels cannot feed a model that takes {channels}")


def _resize(image: np.ndarray, height: int, width: int, fit: str) -> np.ndarray:
    """Resize keeping the aspect ratio, then centre-crop ("crop") or centre on black ("pad")."""
    h, w = image.shape[:2]
    scale = max(height / h, width / w) if fit == "crop" else min(height / h, width / w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    planes = [np.asarray(Image.fromarray(image[:, :, c].astype(np.float32), mode="F")
                         .resize((new_w, new_h), Image.Resampling.BILINEAR)) for c in range(image.shape[2])]
    resized = np.stack(planes, axis=2)
    out = np.zeros((height, width, image.shape[2]), dtype=np.float32)
    top, left = (new_h - height) // 2, (new_w - width) // 2
    if fit == "crop":
        return resized[top : top + height, left : left + width]
    out[-top : -top + new_h, -left : -left + new_w] = resized
    return out


def scale_to_range(pixels: np.ndarray, value_range: str) -> np.ndarray:
    """Pixels in [0, 255] (H, W, C) scaled for ``value_range`` (one of :data:`INPUT_RANGES`)."""
    x = np.asarray(pixels, dtype=np.float64)
    if value_range == "[0,1]":
        return x / 255.0
    if value_range == "[0,255]":
        return x
    if value_range == "tf":
        return x / 127.5 - 1.0
    if value_range == "torch" and x.shape[2] == 3:
        return (x / 255.0 - _TORCH_MEAN) / _TORCH_STD
    if value_range == "caffe" and x.shape[2] == 3:
        return x[:, :, ::-1] - _CAFFE_MEAN_BGR
    if value_range in ("torch", "caffe"):
        raise ValueError(f"the {value_range!r} range needs an RGB model input, not {x.shape[2]} channel(s)")
    raise ValueError(f"unknown input range {value_range!r}: choose one of {', '.join(INPUT_RANGES)}")


def prepare_image(image, input_shape, value_range: str = "[0,1]", fit: str = "crop") -> np.ndarray:
    """Any RGB/grey uint8 image (H, W[, C]) as a float32 input of ``input_shape`` (h, w, c).

    Resized keeping its aspect ratio, centre-cropped (``fit="crop"``) or padded with black
    (``fit="pad"``); grey↔RGB converted; scaled to ``value_range``.
    """
    if fit not in FITS:
        raise ValueError(f"unknown fit {fit!r}: choose crop or pad")
    array = np.asarray(image)
    if array.ndim not in (2, 3) or array.size == 0:
        raise ValueError(f"an image must be (height, width) or (height, width, channels), got {array.shape}")
    height, width, channels = (int(v) for v in input_shape)
    pixels = _resize(_channels(array, channels).astype(np.float32), height, width, fit)
    return scale_to_range(pixels, value_range).astype(np.float32)
