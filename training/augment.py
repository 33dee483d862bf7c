"""Batch augmentation on preprocessed faces: flips, small affine jitter, random erasing."""

from __future__ import annotations

import keras
import tensorflow as tf


def build_augmenter(
    rotation_deg: float = 15.0, shift: float = 0.1, zoom: float = 0.1, seed: int | None = None
) -> keras.Sequential:
    """Random horizontal flip, rotation, shift and zoom, as one Keras pipeline."""
    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal", seed=seed),
            keras.layers.RandomRotation(rotation_deg / 360.0, fill_mode="reflect", seed=seed),
            keras.layers.RandomTranslation(shift, shift, fill_mode="reflect", seed=seed),
            keras.layers.RandomZoom((-zoom, zoom), fill_mode="reflect", seed=seed),
        ],
        name="augment",
    )


def random_erasing(
    images: tf.Tensor, probability: float = 0.5, min_area: float = 0.02, max_area: float = 0.2
) -> tf.Tensor:
    """Blank one random rectangle per image with noise, with the given probability (batched)."""
    shape = tf.shape(images)
    n, h, w = shape[0], shape[1], shape[2]
    hf, wf = tf.cast(h, tf.float32), tf.cast(w, tf.float32)
    area = tf.random.uniform([n], min_area, max_area) * hf * wf
    aspect = tf.exp(tf.random.uniform([n], -1.2, 1.2))
    eh = tf.clip_by_value(tf.sqrt(area * aspect), 1.0, hf - 1.0)
    ew = tf.clip_by_value(tf.sqrt(area / aspect), 1.0, wf - 1.0)
    y0 = tf.random.uniform([n]) * (hf - eh)
    x0 = tf.random.uniform([n]) * (wf - ew)
    ys = tf.cast(tf.range(h), tf.float32)[None, :, None]
    xs = tf.cast(tf.range(w), tf.float32)[None, None, :]
    inside = (
        (ys >= y0[:, None, None])
        & (ys < (y0 + eh)[:, None, None])
        & (xs >= x0[:, None, None])
        & (xs < (x0 + ew)[:, None, None])
    )
    apply = tf.random.uniform([n]) < probability
    mask = (inside & apply[:, None, None])[..., None]
    noise = tf.random.uniform(tf.shape(images))
    return tf.where(mask, noise, images)
