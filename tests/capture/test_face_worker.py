"""The face stage beside name reading: a child process (the default) and a thread give the same faces."""

from __future__ import annotations

import os
import pickle
import signal
from pathlib import Path

import numpy as np
import pytest

from capture.errors import CaptureError
from capture.face_worker import FaceProcess, FaceThread
from capture.faces import FaceDetector, default_model_path
from capture.frames import SynthSource
from capture.layout import parse_gallery
from capture.pipeline import FrameAnalyser
from model import EmotionClassifier


@pytest.fixture(scope="module")
def classifier() -> EmotionClassifier:
    return EmotionClassifier.load(threads=1)


def _frames(faces_dir: Path, students: int = 9, count: int = 3) -> list:
    return list(SynthSource(faces_dir, students=students, frames=count, seed=11, dynamics=False))


def test_the_classifier_pickles_as_how_to_load_it(classifier: EmotionClassifier) -> None:
    copy = pickle.loads(pickle.dumps(classifier))
    assert (copy.path, copy.threads, copy.mirror) == (classifier.path, classifier.threads, classifier.mirror)
    crops = [np.full((60, 60), v, np.uint8) for v in (40, 120, 200)]
    assert np.allclose(copy.predict(crops), classifier.predict(crops))


def test_a_process_finds_the_faces_and_scores_a_thread_finds(
    faces_dir: Path, classifier: EmotionClassifier
) -> None:
    """Frame after frame, so that both also search around the faces of the frame before alike."""
    frames = _frames(faces_dir, students=9, count=3)
    with FaceProcess(classifier) as process, FaceThread(FaceDetector.load(threads=2), classifier) as thread:
        assert process.backend == "litert"
        for frame in frames:
            tiles = [(t.index, t.box) for t in parse_gallery(frame.image).tiles]
            process.start(frame.image, tiles)
            thread.start(frame.image, tiles)
            ours, theirs = process.finish(), thread.finish()
            assert sum(tf.face is not None for tf in ours.tiles) >= 8
            assert [(tf.tile_index, tf.camera_on, tf.face.box if tf.face else None) for tf in ours.tiles] == [
                (tf.tile_index, tf.camera_on, tf.face.box if tf.face else None) for tf in theirs.tiles
            ]
            assert [
                np.array_equal(a.face.image, b.face.image) for a, b in zip(ours.tiles, theirs.tiles) if a.face
            ] == [True for a in ours.tiles if a.face]
            assert sorted(ours.scores) == sorted(theirs.scores)
            for k, probs in ours.scores.items():
                assert np.allclose(probs, theirs.scores[k], atol=1e-6)
            assert ours.detection_ms > 0 and ours.emotions_ms > 0


def test_a_bigger_frame_gets_new_shared_memory(faces_dir: Path, classifier: EmotionClassifier) -> None:
    (small,) = _frames(faces_dir, students=4, count=1)
    with FaceProcess(classifier) as process:
        for image in (small.image[:360, :640], small.image, np.zeros((10, 10, 3), np.uint8)):
            tiles = [(t.index, t.box) for t in parse_gallery(image).tiles] or [(0, (0, 0, 10, 10))]
            process.start(image, tiles)
            assert len(process.finish().tiles) == len(tiles)


def test_one_frame_at_a_time(classifier: EmotionClassifier) -> None:
    image = np.zeros((90, 160, 3), np.uint8)
    with FaceProcess(classifier) as process:
        with pytest.raises(CaptureError, match="no frame was started"):
            process.finish()
        process.start(image, [(0, (0, 0, 160, 90))])
        with pytest.raises(CaptureError, match="not collected"):
            process.start(image, [(0, (0, 0, 160, 90))])
        faces = process.finish()
        assert faces.tiles[0].face is None and not faces.tiles[0].camera_on


def test_start_up_failures_are_clear_errors(tmp_path: Path, classifier: EmotionClassifier) -> None:
    with pytest.raises(CaptureError, match="file not found"):
        FaceProcess(classifier, model_path=tmp_path / "missing.tflite")

    class LocalModel:  # a class inside a function cannot be pickled
        def predict(self, crops):  # type: ignore[no-untyped-def]
            return np.zeros((len(crops), 7), np.float32)

    with pytest.raises(CaptureError, match="cannot start it"):
        FaceProcess(LocalModel())


def test_a_worker_that_dies_is_reported_not_waited_for(classifier: EmotionClassifier) -> None:
    process = FaceProcess(classifier)
    try:
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        image = np.zeros((90, 160, 3), np.uint8)
        with pytest.raises(CaptureError, match="stopped unexpectedly"):
            process.start(image, [(0, (0, 0, 160, 90))])
            process.finish()
    finally:
        process.close()


def test_the_analyser_runs_faces_in_a_process_by_default(
    faces_dir: Path, classifier: EmotionClassifier
) -> None:
    frames = _frames(faces_dir, students=9, count=2)
    with (
        FrameAnalyser.create(classifier, smoothing_window=1) as in_process,
        FrameAnalyser.create(classifier, smoothing_window=1, face_process=False) as in_thread,
    ):
        assert isinstance(in_process.faces, FaceProcess) and isinstance(in_thread.faces, FaceThread)
        for frame in frames:
            a, b = in_process.analyse(frame), in_thread.analyse(frame)
            assert [(s.name, s.camera_on, s.face_box) for s in a.students] == [
                (s.name, s.camera_on, s.face_box) for s in b.students
            ]
            assert a.faces >= 8
    assert default_model_path().is_file()
