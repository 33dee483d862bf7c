"""Model architectures, each a readable function of its hyper-parameters.

``seed`` is the original project's CNN; ``vgg_lite`` is ours: a narrow VGG-style stack with batch
normalisation and global average pooling, sized for the target of 1,000 faces a second on two CPU
cores (its speed: model/MODEL_CARD.md). ``vgg_slim`` is ``vgg_lite`` with the first convolution of
each two-convolution stage half as wide (about half the multiply-adds), made by pruning a trained
``vgg_lite`` and fine-tuning it (``training.warmstart``, ``classmood train --prune``).
``vgg_teacher`` is the wide one that teaches them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import keras
from keras import layers

from model import EMOTIONS, INPUT_SIZE

NUM_CLASSES = len(EMOTIONS)


def seed(dropout: float = 0.25, dense_dropout: float = 0.25) -> keras.Model:
    """The original project's 4 conv + 2 dense CNN (about 4.5 M parameters)."""
    inputs = keras.Input((INPUT_SIZE, INPUT_SIZE, 1), name="face")
    x = inputs
    for filters, kernel in ((64, 3), (128, 5), (512, 3), (512, 3)):
        x = layers.Conv2D(filters, kernel, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D(2)(x)
        x = layers.Dropout(dropout)(x)
    x = layers.Flatten()(x)
    for units in (256, 512):
        x = layers.Dense(units)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.Dropout(dense_dropout)(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", name="scores")(x)
    return keras.Model(inputs, outputs, name="seed")


def _conv_bn_relu(x: keras.KerasTensor, filters: int, weight_decay: float) -> keras.KerasTensor:
    x = layers.Conv2D(
        filters, 3, padding="same", use_bias=False, kernel_regularizer=keras.regularizers.L2(weight_decay)
    )(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)


def vgg_lite(
    widths: Sequence[int] = (32, 48, 96, 192),
    convs_per_stage: Sequence[int] = (1, 2, 2, 2),
    dropout: float = 0.4,
    weight_decay: float = 5e-5,
    inner_widths: Sequence[int] | None = None,
    name: str = "vgg_lite",
) -> keras.Model:
    """Stages of 3x3 conv-BN-ReLU blocks, each ending in 2x2 max pooling, then GAP.

    ``widths`` are the stages' output channels; ``inner_widths`` (default: the same) those of every
    convolution of a stage but its last.
    """
    inner = widths if inner_widths is None else inner_widths
    if not len(widths) == len(convs_per_stage) == len(inner):
        raise ValueError("widths, convs_per_stage and inner_widths must have the same length")
    inputs = keras.Input((INPUT_SIZE, INPUT_SIZE, 1), name="face")
    x = inputs
    for filters, inner_filters, convs in zip(widths, inner, convs_per_stage):
        for block in range(convs):
            x = _conv_bn_relu(x, filters if block == convs - 1 else inner_filters, weight_decay)
        x = layers.MaxPooling2D(2)(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", name="scores", dtype="float32")(x)
    return keras.Model(inputs, outputs, name=name)


def vgg_slim(inner_widths: Sequence[int] = (32, 24, 48, 96), **hyper_parameters: Any) -> keras.Model:
    """``vgg_lite`` with the inner convolutions of its two-convolution stages half as wide."""
    return vgg_lite(inner_widths=inner_widths, name="vgg_slim", **hyper_parameters)


def vgg_teacher(
    widths: Sequence[int] = (64, 128, 256, 512),
    convs_per_stage: Sequence[int] = (2, 2, 2, 2),
    dropout: float = 0.5,
    **hyper_parameters: Any,
) -> keras.Model:
    """``vgg_lite`` at the widths of the published FER2013 VGG nets (about 4.7 M parameters): too slow
    to ship, trained to teach the shipped model (``classmood train --teacher``)."""
    return vgg_lite(widths, convs_per_stage, dropout=dropout, name="vgg_teacher", **hyper_parameters)


ARCHITECTURES: dict[str, Callable[..., keras.Model]] = {
    "seed": seed,
    "vgg_lite": vgg_lite,
    "vgg_slim": vgg_slim,
    "vgg_teacher": vgg_teacher,
}


def build(arch: str, **hyper_parameters: object) -> keras.Model:
    """Build an architecture by name."""
    try:
        factory = ARCHITECTURES[arch]
    except KeyError:
        raise ValueError(f"unknown architecture {arch!r}; choose one of {', '.join(ARCHITECTURES)}") from None
    return factory(**hyper_parameters)
