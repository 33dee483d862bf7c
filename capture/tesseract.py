"""Tesseract: its script models, which of them read a name and in what order to try them, and the
engines that read a label's text line.

OCR runs through ``tesserocr`` (a PyPI wheel with libtesseract inside) on Tesseract's per-script
models (Debian ``tesseract-ocr-script-*`` packages), so names in Latin with diacritics, Cyrillic,
Greek, Arabic, Devanagari, Hebrew, Thai, Chinese, Japanese and Korean are read.
"""

from __future__ import annotations

import functools
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from capture.errors import CaptureError
from capture.name_text import TRAILING_SIGNS, closed_brackets, display_form, line_form, trimmed_words

# Tesseract script model for each Unicode script prefix of a character name.
SCRIPT_MODELS: dict[str, str] = {
    "LATIN": "Latin",
    "CYRILLIC": "Cyrillic",
    "GREEK": "Greek",
    "ARABIC": "Arabic",
    "DEVANAGARI": "Devanagari",
    "HEBREW": "Hebrew",
    "THAI": "Thai",
    "CJK": "HanS",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "HANGUL": "Hangul",
}
MODEL_ORDER: tuple[str, ...] = (
    "Latin",
    "Cyrillic",
    "HanS",
    "Arabic",
    "Devanagari",
    "Greek",
    "Japanese",
    "kor",
    "chi_sim",
    "ara",
    "Hebrew",
    "Thai",
    "Hangul",
)
# Models that also read a script, after its own script model, when installed: Tesseract's Korean,
# Chinese and Arabic language models (Debian tesseract-ocr-kor, -chi-sim, -ara) read small labels of
# their script the script model cuts short or misreads.
ALSO_READ_BY: dict[str, tuple[tuple[str, float], ...]] = {
    "HanS": (("Japanese", 0.5), ("chi_sim", 0.9)),
    "Hangul": (("kor", 0.9),),
    "Arabic": (("ara", 0.9),),
}
# Models tried on a label only where the names known or expected are of their script, never in the
# sweep over every model: the Arabic language model reads Latin labels as Arabic words, sure of them
HINTED_ONLY: frozenset[str] = frozenset({"ara"})
# Scripts whose models read Latin text as look-alike letters, sure of them (the Cyrillic model reads
# "Isaac Murray" in Cyrillic letters of the same shapes): a confident read of theirs is read by the
# Latin model too
LATIN_LOOK_ALIKES: frozenset[str] = frozenset({"Cyrillic", "Greek"})
# Models of one language (its words in their dictionary): their reads are taken over the script
# model's up to some points less sure (name_reader.LANGUAGE_MARGIN)
LANGUAGE_MODELS: frozenset[str] = frozenset({"kor"})
TESSDATA_DIRS: tuple[str, ...] = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
    "C:/Program Files/Tesseract-OCR/tessdata",
)
RIGHT_TO_LEFT = frozenset({"Arabic", "Hebrew"})  # script models whose word list runs in visual order


@dataclass(frozen=True)
class Candidate:
    """One script model's read of a label's text line."""

    text: str
    confidence: float
    model: str


def scripts_of(name: str) -> list[str]:
    """Tesseract script models for the letters of ``name``, most frequent first."""
    return list(_scripts(name))


@functools.lru_cache(maxsize=4096)
def _scripts(name: str) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    for ch in name:
        if not ch.isalpha():
            continue
        prefix = unicodedata.name(ch, "").split(" ")[0]
        model = SCRIPT_MODELS.get(prefix)
        if model is not None:
            counts[model] = counts.get(model, 0) + 1
    return tuple(sorted(counts, key=lambda m: -counts[m]))


def _readers(text: str) -> tuple[str, ...]:
    """The models that read the main script of ``text``: its script model, then those of
    :data:`ALSO_READ_BY` for it; none for text without letters of a script."""
    scripts = scripts_of(text)
    if not scripts:
        return ()
    return (scripts[0], *(other for other, _ in ALSO_READ_BY.get(scripts[0], ())))


def fellow_readers(text: str, model: str) -> tuple[str, ...]:
    """The other models that read the main script of ``text``, which ``model`` read (Hangul and kor),
    and the Latin model for a read of a script whose letters Latin ones look like
    (:data:`LATIN_LOOK_ALIKES`: the label may be Latin text)."""
    readers = _readers(text)
    if model not in readers:
        return ()
    look_alike = ("Latin",) if readers[0] in LATIN_LOOK_ALIKES else ()
    return tuple(m for m in readers if m != model) + look_alike


def compatible(text: str, model: str) -> bool:
    """Whether ``model`` reads the main script of ``text`` (its script model or one of :data:`ALSO_READ_BY`)."""
    return model in _readers(text)


def find_tessdata(explicit: Path | None = None) -> Path:
    """The folder with Tesseract's ``*.traineddata`` (argument, $TESSDATA_PREFIX, or the usual places)."""
    candidates = [explicit] if explicit is not None else []
    if os.environ.get("TESSDATA_PREFIX"):
        prefix = Path(os.environ["TESSDATA_PREFIX"])
        candidates += [prefix, prefix / "tessdata"]
    candidates += [Path(p) for p in TESSDATA_DIRS]
    for folder in candidates:
        if folder is not None and (folder / "Latin.traineddata").is_file():
            return folder
    where = str(explicit) if explicit is not None else "the usual places"
    raise CaptureError(
        f"tesseract script models not found in {where}: install the Debian packages "
        "tesseract-ocr-script-latn (and -cyrl, -grek, -arab, -deva, -hebr, -thai, -hans, -jpan, -hang)"
    )


def line_read(api: Any) -> tuple[str, float]:
    """The text Tesseract read on its line (after :meth:`SetImageBytes`) and its confidence, without
    unsure words at either end (:func:`trimmed_words`) and with an open bracket closed."""
    line = unicodedata.normalize("NFC", api.GetUTF8Text())
    if not line.strip():
        return "", 0.0
    whole = line_form(line)
    scripts = scripts_of(whole)
    if scripts and scripts[0] in RIGHT_TO_LEFT:
        return whole, float(api.MeanTextConf())
    words = [(unicodedata.normalize("NFC", w).strip(), float(c)) for w, c in api.MapWordConfidences()]
    tokens = line.split()
    if [w for w, _ in words if w] != tokens:  # the word list is not the line's words: keep the line
        return closed_brackets(whole), float(api.MeanTextConf())
    kept = trimmed_words(words)
    text = display_form(" ".join(w for w, _ in kept).rstrip(TRAILING_SIGNS))
    confidence = (
        float(api.MeanTextConf()) if len(kept) == len(tokens) else float(np.mean([c for _, c in kept]))
    )
    return closed_brackets(text), confidence


def import_tesserocr() -> Any:
    """The ``tesserocr`` module, or a :class:`CaptureError` saying how to install it."""
    try:
        import tesserocr
    except ImportError:
        raise CaptureError("name reading needs the 'tesserocr' package (pip install tesserocr)") from None
    return tesserocr


class TesseractEngines:
    """One Tesseract engine per script model, each loaded on first use; counts the lines read."""

    def __init__(
        self, tesserocr: Any, tessdata: Path | None = None, models: Sequence[str] | None = None
    ) -> None:
        self._tesserocr = tesserocr
        self.tessdata = find_tessdata(tessdata)
        available = [m for m in (models or MODEL_ORDER) if (self.tessdata / f"{m}.traineddata").is_file()]
        if not available:
            raise CaptureError(
                f"tesseract script models: none of {', '.join(models or MODEL_ORDER)} in {self.tessdata}"
            )
        self.models = tuple(available)
        self._apis: dict[str, Any] = {}
        self.calls = 0

    def load(self, model: str) -> Any:
        """The engine of ``model``, loaded now if it is not yet."""
        api = self._apis.get(model)
        if api is None:
            tess = self._tesserocr
            try:
                # the line is always dark on white (ocr_image): no second read of it inverted,
                # which Tesseract does after every unconfident read (a third of each such call)
                api = tess.PyTessBaseAPI(
                    path=str(self.tessdata),
                    lang=model,
                    psm=tess.PSM.SINGLE_LINE,
                    variables={"tessedit_do_invert": "0"},
                )
            except RuntimeError:
                raise CaptureError(f"tesseract model {model}: cannot load it from {self.tessdata}") from None
            self._apis[model] = api
        return api

    def read(self, image: np.ndarray, model: str) -> Candidate:
        """``model``'s read of a text line image (gray, dark text on white; :func:`line_read`)."""
        height, width = image.shape
        api = self.load(model)
        api.SetImageBytes(image.tobytes(), width, height, 1, width)
        text, confidence = line_read(api)
        self.calls += 1
        return Candidate(text, confidence, model)

    def close(self) -> None:
        for api in self._apis.values():
            api.End()
        self._apis.clear()


class ScriptModels:
    """Which installed script models read a name, and the order to try them in on a new label:
    the known names' scripts weigh in as they are added (most common first)."""

    def __init__(self, installed: Sequence[str]) -> None:
        self.installed = tuple(installed)
        self.roster: set[str] = set()  # the models that read the roster's names
        self._seen: dict[str, float] = {}

    def count(self, name: str, roster: bool) -> None:
        """Count a known name's script models (:meth:`weights`) towards the order to try them in."""
        for m, w in self.weights(name):
            self._seen[m] = self._seen.get(m, 0.0) + w
            if roster:
                self.roster.add(m)

    def weights(self, name: str) -> list[tuple[str, float]]:
        """The installed script models that read ``name``, with how much each counts: 1 for its main
        script, 0.5 for others, times the share of :data:`ALSO_READ_BY` for the models that also read one."""
        out: list[tuple[str, float]] = []
        for rank, model in enumerate(scripts_of(name)):
            weight = 1.0 if rank == 0 else 0.5
            for m, w in (
                (model, weight),
                *((other, weight * share) for other, share in ALSO_READ_BY.get(model, ())),
            ):
                if m in self.installed:
                    out.append((m, w))
        return out

    def order(self, hint: str | None = None, absent: Sequence[str] = ()) -> list[str]:
        """Script models in the order to try: those of ``hint`` (the name expected on the label), then
        those of the ``absent`` roster names (no other label of the frame shows them), most common
        first, then the scripts of the known names, most common first, then the rest but the
        :data:`HINTED_ONLY`."""
        seen = sorted(self._seen, key=lambda m: -self._seen[m])
        rest = [m for m in self.installed if m not in HINTED_ONLY]
        return list(dict.fromkeys([*self.for_hint(hint), *self.likely(absent), *seen, *rest]))

    def likely(self, names: Sequence[str]) -> list[str]:
        """The installed script models that read ``names``, weighted as the known names are
        (:meth:`count`), each name counting less than the one before it."""
        weights: dict[str, float] = {}
        for order, name in enumerate(names):
            for m, w in self.weights(name):
                weights[m] = weights.get(m, 0.0) + w * 0.9**order
        return sorted(weights, key=lambda m: -weights[m])

    def for_hint(self, hint: str | None) -> list[str]:
        """The installed script models that read ``hint``'s scripts (:data:`ALSO_READ_BY` included)."""
        models: list[str] = []
        for script in scripts_of(hint) if hint else ():
            models += [
                m
                for m in (script, *(other for other, _ in ALSO_READ_BY.get(script, ())))
                if m in self.installed
            ]
        return list(dict.fromkeys(models))
