"""Train an emotion CNN on FER2013 with checkpoints every epoch and exact resume."""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from model import EMOTIONS, preprocess
from training.architectures import build
from training.augment import build_augmenter, random_erasing
from training.data import FerSplit, load_fer
from training.errors import TrainingError
from training.export import export_onnx, load_snapshot, quantize_onnx, save_snapshot
from training.warmstart import load_onnx_weights

WEIGHTS_NAME = "emotion.onnx"
INT8_WEIGHTS_NAME = "emotion.int8.onnx"
CALIBRATION_FACES = 1024
BEST_NAME = "best.keras"
SNAPSHOT_NAME = "best.fp16.npz"
LOG_NAME = "training_log.csv"
METRICS_NAME = "metrics.json"
SETTINGS_NAME = "settings.json"
BACKUP_DIR = "checkpoint"


@dataclass(frozen=True)
class TrainingFaces:
    """The faces a run is shown: a FER2013 dataset, and optionally the same faces framed as the
    capture agent frames them (``classmood reframe``), shown in that framing with ``reframed_share``."""

    data: str
    reframed: str | None = None
    reframed_share: float = 0.5


@dataclass(frozen=True)
class Optimisation:
    """How the weights are fitted: SGD with Nesterov momentum over ``epochs``, the learning rate warmed
    up, then decayed (``cosine``) or halved when validation stalls (``plateau``); targets smoothed by
    ``label_smoothing``; the layers computing in ``precision``."""

    epochs: int = 40
    batch_size: int = 64
    learning_rate: float = 0.05
    momentum: float = 0.9
    warmup_epochs: int = 1
    schedule: str = "cosine"
    label_smoothing: float = 0.1
    precision: str = "float32"


@dataclass(frozen=True)
class Augmentation:
    """How the training faces are altered: a random zoom, a random patch erased (with
    ``erase_probability``), and a video call's damage done to a ``damage`` share of them."""

    zoom: float = 0.1
    erase_probability: float = 0.5
    damage: float = 0.0


@dataclass(frozen=True)
class Transfer:
    """What a run takes from earlier models: the weights it starts from (``init_weights``, pruned to fit
    with ``prune``) and a teacher whose probabilities make ``teacher_share`` of each target, each face's
    averaged with its mirror image's when ``teacher_mirror`` (the teacher as mirror averaging scores it)."""

    init_weights: str | None = None
    prune: bool = False
    teacher: str | None = None
    teacher_share: float = 0.5
    teacher_mirror: bool = False


@dataclass(frozen=True)
class TrainSettings:
    """Everything that decides a training run, grouped by job; saved beside its outputs as settings.json
    (:func:`dataclasses.asdict`, one object per group) and read back by :func:`read_settings` on
    ``--resume``."""

    faces: TrainingFaces
    arch: str = "vgg_lite"
    seed: int = 1
    hyper_parameters: dict[str, object] = field(default_factory=dict)
    optimisation: Optimisation = field(default_factory=Optimisation)
    augmentation: Augmentation = field(default_factory=Augmentation)
    transfer: Transfer = field(default_factory=Transfer)


def read_settings(path: Path) -> TrainSettings:
    """The settings a run saved in ``path`` (its settings.json)."""
    saved = json.loads(path.read_text())
    try:
        return TrainSettings(
            faces=TrainingFaces(**saved["faces"]),
            arch=saved["arch"],
            seed=saved["seed"],
            hyper_parameters=saved["hyper_parameters"],
            optimisation=Optimisation(**saved["optimisation"]),
            augmentation=Augmentation(**saved["augmentation"]),
            transfer=Transfer(**saved["transfer"]),
        )
    except (KeyError, TypeError) as exc:
        raise TrainingError(f"{path}: not the settings of a run of this version ({exc})") from None


def preprocess_split(split: FerSplit) -> tuple[np.ndarray, np.ndarray]:
    """Run the shared inference preprocessing over a whole split; labels one-hot."""
    return preprocess(split.images), keras.utils.to_categorical(split.labels, len(EMOTIONS))


def make_train_dataset(
    x: np.ndarray, y: np.ndarray, settings: TrainSettings, x_reframed: np.ndarray | None = None
) -> tf.data.Dataset:
    """Shuffled, augmented batches. With ``x_reframed`` (the same faces as the capture agent frames
    them, aligned with ``x``) each face is shown in that framing with ``settings.faces.reframed_share``.
    With ``settings.transfer.teacher`` (an exported model) each target is the label mixed with the
    teacher's probabilities for the augmented face, ``settings.transfer.teacher_share`` of them
    (distillation)."""
    augmentation, transfer = settings.augmentation, settings.transfer
    augmenter = build_augmenter(zoom=augmentation.zoom, seed=settings.seed)
    teach = (
        _teacher(Path(transfer.teacher), transfer.teacher_mirror) if transfer.teacher is not None else None
    )
    damage = _damager(augmentation.damage, settings.seed) if augmentation.damage > 0 else None

    def augment(images: tf.Tensor, labels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        images = random_erasing(augmenter(images, training=True), augmentation.erase_probability)
        if damage is not None:
            images = tf.reshape(
                tf.numpy_function(damage, [images], tf.float32, stateful=True), tf.shape(images)
            )
        if teach is not None:
            taught = tf.numpy_function(teach, [images], tf.float32, stateful=False)
            share = transfer.teacher_share
            labels = (1.0 - share) * tf.cast(labels, tf.float32) + share * tf.reshape(
                taught, tf.shape(labels)
            )
        return images, labels

    if x_reframed is None:
        faces = tf.data.Dataset.from_tensor_slices((x, y))
    else:
        share = settings.faces.reframed_share

        def pick(original: tf.Tensor, reframed: tf.Tensor, label: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
            return tf.where(tf.random.uniform([]) < share, reframed, original), label

        faces = tf.data.Dataset.from_tensor_slices((x, x_reframed, y)).map(pick)
    return (
        faces.shuffle(len(x), seed=settings.seed, reshuffle_each_iteration=True)
        .batch(settings.optimisation.batch_size, drop_remainder=True)
        .map(augment, num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )


def _damager(share: float, seed: int) -> Callable[[np.ndarray], np.ndarray]:
    """Damage ``share`` of a batch's preprocessed faces as a video call would (:mod:`training.damage`),
    then preprocess them again (the agent equalises the damaged face it sees)."""
    from training.damage import damage

    rng = np.random.default_rng(seed)

    def apply(images: np.ndarray) -> np.ndarray:
        out = np.array(images, dtype=np.float32, copy=True)
        chosen = np.flatnonzero(rng.random(len(out)) < share)
        if chosen.size:
            faces = np.clip(np.round(out[chosen, :, :, 0] * 255.0), 0, 255).astype(np.uint8)
            out[chosen] = preprocess(list(damage(faces, rng)))
        return out

    return apply


def _teacher(path: Path, mirror: bool) -> Callable[[np.ndarray], np.ndarray]:
    """The probabilities of an exported model (ONNX Runtime) for a batch of preprocessed faces, each
    averaged with its mirror image's when ``mirror``."""
    from model import EmotionClassifier, ModelError

    try:
        classifier = EmotionClassifier.load(path, mirror=mirror)
    except ModelError as exc:
        raise TrainingError(f"teacher: {exc}") from None

    def teach(images: np.ndarray) -> np.ndarray:
        return classifier.predict_preprocessed(np.asarray(images, np.float32)).astype(np.float32)

    return teach


def load_reframed(root: Path, split: str, like: FerSplit) -> FerSplit:
    """The reframed copy of a split (``classmood reframe``), checked to hold the same faces in the same order."""
    reframed = load_fer(root, split)
    if len(reframed) != len(like) or not np.array_equal(reframed.labels, like.labels):
        raise TrainingError(
            f"{root}: its {split} split ({len(reframed)} faces) does not match {like.source} "
            f"({len(like)} faces); make it with 'classmood reframe --data' from that dataset"
        )
    return reframed


def learning_rate_at(optimisation: Optimisation) -> Callable[[int, float], float]:
    """Per-epoch schedule: linear warm-up, then cosine decay to zero (or constant for plateau)."""

    def schedule(epoch: int, _lr: float) -> float:
        if epoch < optimisation.warmup_epochs:
            return optimisation.learning_rate * (epoch + 1) / (optimisation.warmup_epochs + 1)
        if optimisation.schedule == "plateau":
            return _lr
        span = max(1, optimisation.epochs - optimisation.warmup_epochs)
        progress = (epoch - optimisation.warmup_epochs) / span
        return 0.5 * optimisation.learning_rate * (1.0 + math.cos(math.pi * progress))

    return schedule


def _prepare_out(out: Path, settings: TrainSettings, resume: bool) -> TrainSettings:
    """Make ``out`` ready and return the run's settings, saved there: ``settings`` for a new run; on
    ``resume`` the saved ones (of the same arch) with the number of epochs of ``settings``."""
    backup = out / BACKUP_DIR
    saved = out / SETTINGS_NAME
    if resume:
        if not backup.exists() or not saved.exists():
            raise TrainingError(f"{out}: nothing to resume (no {BACKUP_DIR}/ and {SETTINGS_NAME} there)")
        previous = read_settings(saved)
        if previous.arch != settings.arch:
            raise TrainingError(f"{out}: was trained as {previous.arch!r}, not {settings.arch!r}")
        epochs = settings.optimisation.epochs
        settings = replace(previous, optimisation=replace(previous.optimisation, epochs=epochs))
    elif backup.exists():
        raise TrainingError(
            f"{out}: holds a checkpoint of an earlier run; pass --resume or choose another --out"
        )
    else:
        out.mkdir(parents=True, exist_ok=True)
        (out / LOG_NAME).unlink(missing_ok=True)
    saved.write_text(json.dumps(asdict(settings), indent=2) + "\n")
    return settings


def _model_to_train(settings: TrainSettings) -> keras.Model:
    """The compiled model: built, started from ``init_weights`` when given (a float16 snapshot or an
    exported ONNX model, pruned to fit with ``prune``), SGD with Nesterov momentum, label smoothing."""
    model = _build(settings)
    init_weights, optimisation = settings.transfer.init_weights, settings.optimisation
    if init_weights is not None and init_weights.endswith(".npz"):
        load_snapshot(model, Path(init_weights))
    elif init_weights is not None:
        load_onnx_weights(model, Path(init_weights), prune=settings.transfer.prune)
    model.compile(
        optimizer=keras.optimizers.SGD(
            optimisation.learning_rate, momentum=optimisation.momentum, nesterov=True
        ),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=optimisation.label_smoothing),
        metrics=["accuracy"],
    )
    return model


def _callbacks(out: Path, optimisation: Optimisation) -> list[keras.callbacks.Callback]:
    """A checkpoint every epoch (for ``--resume``), the best epoch kept (Keras and float16 snapshot),
    the log, and the learning-rate schedule."""
    callbacks: list[keras.callbacks.Callback] = [
        keras.callbacks.BackupAndRestore(str(out / BACKUP_DIR), save_freq="epoch", delete_checkpoint=False),
        keras.callbacks.ModelCheckpoint(str(out / BEST_NAME), monitor="val_accuracy", save_best_only=True),
        keras.callbacks.CSVLogger(str(out / LOG_NAME), append=True),
        keras.callbacks.LearningRateScheduler(learning_rate_at(optimisation)),
        _SnapshotBest(out / SNAPSHOT_NAME),
    ]
    if optimisation.schedule == "plateau":
        callbacks.append(keras.callbacks.ReduceLROnPlateau(monitor="val_accuracy", factor=0.5, patience=3))
    return callbacks


def _export_best(model: keras.Model, settings: TrainSettings, out: Path, train_x: np.ndarray) -> keras.Model:
    """The best epoch (the last one if none was kept) exported by :func:`_export`; returns it as a
    float32 Keras model."""
    best = build(settings.arch, **settings.hyper_parameters)
    best.set_weights(
        (keras.models.load_model(str(out / BEST_NAME)) if (out / BEST_NAME).exists() else model).get_weights()
    )
    _export(best, out, train_x, settings.seed)
    return best


def _export(model: keras.Model, out: Path, train_x: np.ndarray, seed: int) -> None:
    """``model`` to float32 ONNX and to int8, calibrated on a seeded sample of the training faces."""
    export_onnx(model, out / WEIGHTS_NAME)
    calibration = np.random.default_rng(seed).permutation(len(train_x))[:CALIBRATION_FACES]
    quantize_onnx(out / WEIGHTS_NAME, out / INT8_WEIGHTS_NAME, train_x[calibration])


def export_snapshot(settings: TrainSettings, out: Path) -> dict[str, object]:
    """Export the float16 snapshot ``settings.transfer.init_weights`` without training, as a run's end exports
    its best epoch (``out``/emotion.onnx and emotion.int8.onnx); returns both files' PublicTest
    accuracy. How the committed teacher becomes the accurate mode's weights."""
    snapshot = settings.transfer.init_weights
    if snapshot is None or not snapshot.endswith(".npz"):
        raise TrainingError("exporting without training needs a float16 snapshot (.npz) to start from")
    out = Path(out)
    if (out / BACKUP_DIR).exists():
        raise TrainingError(f"{out}: holds a training run; export into another folder")
    model = load_snapshot(build(settings.arch, **settings.hyper_parameters), Path(snapshot))
    train_x, _ = preprocess_split(load_fer(Path(settings.faces.data), "train"))
    _export(model, out, train_x, settings.seed)
    val_x, val_y = preprocess_split(load_fer(Path(settings.faces.data), "test"))
    return {
        "arch": settings.arch,
        "params": int(model.count_params()),
        "snapshot": snapshot,
        "val_accuracy": _onnx_accuracy(out / WEIGHTS_NAME, val_x, val_y),
        "val_accuracy_int8": _onnx_accuracy(out / INT8_WEIGHTS_NAME, val_x, val_y),
    }


def train(
    settings: TrainSettings, out: Path, resume: bool = False, verbose: int | None = None
) -> dict[str, object]:
    """Train (or resume) a run in ``out`` and return its final metrics."""
    out = Path(out)
    settings = _prepare_out(out, settings, resume)
    keras.utils.set_random_seed(settings.seed)
    started = time.monotonic()
    faces = settings.faces
    train_split = load_fer(Path(faces.data), "train")
    train_x, train_y = preprocess_split(train_split)
    val_x, val_y = preprocess_split(load_fer(Path(faces.data), "test"))
    reframed_x = None
    if faces.reframed is not None:
        reframed_x, _ = preprocess_split(load_reframed(Path(faces.reframed), "train", train_split))
    train_batches = make_train_dataset(train_x, train_y, settings, reframed_x)
    model = _model_to_train(settings)
    model.fit(
        train_batches,
        validation_data=(val_x, val_y),
        epochs=settings.optimisation.epochs,
        shuffle=False,
        callbacks=_callbacks(out, settings.optimisation),
        verbose=verbose if verbose is not None else (1 if sys.stdout.isatty() else 2),
    )
    best = _export_best(model, settings, out, train_x)
    probabilities = best.predict(val_x, batch_size=256, verbose=0)
    accuracy = float(np.mean(np.argmax(probabilities, 1) == np.argmax(val_y, 1)))
    metrics = {
        "arch": settings.arch,
        "params": int(best.count_params()),
        "epochs": settings.optimisation.epochs,
        "val_accuracy": accuracy,
        "val_accuracy_int8": _onnx_accuracy(out / INT8_WEIGHTS_NAME, val_x, val_y),
        **_reframed_accuracy(settings, out / INT8_WEIGHTS_NAME),
        "train_n": int(len(train_x)),
        "val_n": int(len(val_x)),
        "wall_s_this_run": round(time.monotonic() - started, 1),
    }
    (out / METRICS_NAME).write_text(json.dumps(metrics, indent=2) + "\n")
    return metrics


def _build(settings: TrainSettings) -> keras.Model:
    """The model to train, its layers computing in ``settings.optimisation.precision`` (``mixed_bfloat16`` for
    the wide nets on CPUs with bfloat16 instructions, where it is faster); the weights stay float32."""
    keras.mixed_precision.set_global_policy(settings.optimisation.precision)
    try:
        return build(settings.arch, **settings.hyper_parameters)
    finally:
        keras.mixed_precision.set_global_policy("float32")


class _SnapshotBest(keras.callbacks.Callback):
    """Keep a float16 snapshot of the best epoch so far (the file to commit between sessions)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        self._best = -1.0

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        accuracy = float((logs or {}).get("val_accuracy", -1.0))
        if accuracy > self._best:
            self._best = accuracy
            save_snapshot(self.model, self._path)


def _onnx_accuracy(path: Path, x: np.ndarray, y: np.ndarray) -> float:
    """Accuracy of an exported ONNX model on preprocessed faces (what the capture agent runs)."""
    from model import EmotionClassifier

    classifier = EmotionClassifier.load(path)
    predicted = np.concatenate(
        [classifier.predict_preprocessed(x[i : i + 512]) for i in range(0, len(x), 512)]
    )
    return float(np.mean(np.argmax(predicted, 1) == np.argmax(y, 1)))


def _reframed_accuracy(settings: TrainSettings, weights: Path) -> dict[str, float]:
    """Accuracy of the int8 model on the reframed test split, when the run has one."""
    reframed = settings.faces.reframed
    if reframed is None or not (Path(reframed) / "test").is_dir():
        return {}
    x, y = preprocess_split(load_fer(Path(reframed), "test"))
    return {"val_accuracy_int8_reframed": _onnx_accuracy(weights, x, y)}
