"""Reading participant names from their tile labels: Tesseract script models, a label cache, fuzzy matching.

OCR runs through ``tesserocr`` (a PyPI wheel with libtesseract inside) on Tesseract's per-script
models (Debian ``tesseract-ocr-script-*`` packages), so names in Latin with diacritics, Cyrillic,
Greek, Arabic, Devanagari, Hebrew, Thai, Chinese, Japanese and Korean are read. Each label is
read once: its text is binarised and the binary mask is the cache key, so the video showing through
a semi-transparent label box does not trigger a new read. Reads are fuzzy-matched (rapidfuzz) to
the session's known names: the roster given by the teacher and the names read so far.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from rapidfuzz import fuzz, process

from capture.errors import CaptureError

# Tesseract script model for each Unicode script prefix of a character name.
SCRIPT_MODELS: dict[str, str] = {
    "LATIN": "Latin", "CYRILLIC": "Cyrillic", "GREEK": "Greek", "ARABIC": "Arabic",
    "DEVANAGARI": "Devanagari", "HEBREW": "Hebrew", "THAI": "Thai", "CJK": "HanS",
    "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Hangul",
}
MODEL_ORDER: tuple[str, ...] = (
    "Latin", "Cyrillic", "HanS", "Arabic", "Devanagari", "Greek", "Japanese", "Hangul", "Hebrew", "Thai",
)
TESSDATA_DIRS: tuple[str, ...] = (
    "/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata",
    "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata", "C:/Program Files/Tesseract-OCR/tessdata",
)
ACCEPT_CONFIDENCE = 85     # a read this confident in its script model ends the search
MIN_CONFIDENCE = 55        # below this (and matching no known name) a read counts as unreadable
ROSTER_MATCH = 80.0        # rapidfuzz ratio (0..100) for a read to be taken as a roster name
LEARNED_MATCH = 90.0       # ... as a name read earlier in the session (similar names are common)
PREFIX_MIN = 5             # a read this long may match the beginning of one roster name
MASK_HEIGHT = 16           # label masks are compared at this height
SAME_LABEL = 0.9           # cosine similarity of two label masks that show the same text
OCR_SCALE_HEIGHT = 48      # labels are upscaled to about this height before OCR


@dataclass(frozen=True)
class NameRead:
    """The name on one label: ``name`` None when unreadable; ``cached`` when no OCR ran for it."""

    name: str | None
    raw: str
    confidence: float
    cached: bool


@dataclass(frozen=True)
class _Candidate:
    text: str
    confidence: float
    model: str


def normalise(name: str) -> str:
    """Compare-form of a name: NFKC, case-folded, no spaces, Persian letter forms as Arabic.

    Spaces are dropped because OCR puts them between CJK and Thai letters, which have none.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("\u06cc", "\u064a").replace("\u06a9", "\u0643").replace("\u0640", "")
    return "".join(text.split())


def display_form(text: str) -> str:
    """OCR text as a name: NFC, single spaces, no spaces between letters of unspaced scripts."""
    words = unicodedata.normalize("NFC", text).split()
    out = ""
    for word in words:
        if out and not (_unspaced(out[-1]) and _unspaced(word[0])):
            out += " "
        out += word
    return out


def _unspaced(ch: str) -> bool:
    prefix = unicodedata.name(ch, "").split(" ")[0]
    return prefix in ("CJK", "HIRAGANA", "KATAKANA", "THAI")


def scripts_of(name: str) -> list[str]:
    """Tesseract script models for the letters of ``name``, most frequent first."""
    counts: dict[str, int] = {}
    for ch in name:
        if not ch.isalpha():
            continue
        prefix = unicodedata.name(ch, "").split(" ")[0]
        model = SCRIPT_MODELS.get(prefix)
        if model is not None:
            counts[model] = counts.get(model, 0) + 1
    return sorted(counts, key=lambda m: -counts[m])


def compatible(text: str, model: str) -> bool:
    """Whether ``model`` is a script model for the main script of ``text`` (Han is read by HanS and Japanese)."""
    scripts = scripts_of(text)
    if not scripts:
        return False
    return model == scripts[0] or (scripts[0] == "HanS" and model == "Japanese")


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


def label_mask(label: np.ndarray) -> np.ndarray:
    """The label's text as a soft mask (text = 1), cropped to the text and scaled to :data:`MASK_HEIGHT`.

    Text is the minority side of an Otsu split, bright or dark, so light-on-dark and dark-on-light
    labels both work; cropping and scaling make the mask the same when the app redraws the label
    at another size (tiles resize when someone joins).
    """
    gray = label if label.ndim == 2 else cv2.cvtColor(label, cv2.COLOR_BGR2GRAY)
    _, binary = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if binary.mean() > 0.5:
        binary = 1 - binary
    rows, cols = np.flatnonzero(binary.any(axis=1)), np.flatnonzero(binary.any(axis=0))
    if rows.size == 0:
        return np.zeros((MASK_HEIGHT, 1), np.float32)
    text = binary[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].astype(np.float32)
    width = max(1, round(text.shape[1] * MASK_HEIGHT / text.shape[0]))
    small = cv2.resize(text, (width, MASK_HEIGHT), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (3, 3), 0.8)


def same_label(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two label masks show the same text: widths within 10% and cosine similarity high."""
    if abs(a.shape[1] - b.shape[1]) > max(2, 0.1 * a.shape[1]):
        return False
    if a.shape != b.shape:
        b = cv2.resize(b, (a.shape[1], a.shape[0]), interpolation=cv2.INTER_LINEAR)
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return norm > 0 and float((a * b).sum()) / norm >= SAME_LABEL


def _ocr_image(label: np.ndarray) -> np.ndarray:
    """Dark text on white, upscaled, with a margin: what Tesseract reads best."""
    gray = label if label.ndim == 2 else cv2.cvtColor(label, cv2.COLOR_BGR2GRAY)
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if binary.mean() < 127:
        gray = 255 - gray
    scale = max(1.0, OCR_SCALE_HEIGHT / max(gray.shape[0], 1))
    big = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return cv2.copyMakeBorder(big, 12, 12, 12, 12, cv2.BORDER_REPLICATE)


class NameReader:
    """Reads names from label crops for one session; keeps the OCR engines and the label cache."""

    def __init__(self, roster: Iterable[str] = (), tessdata: Path | None = None, models: Sequence[str] | None = None) -> None:
        try:
            import tesserocr
        except ImportError:
            raise CaptureError("name reading needs the 'tesserocr' package (pip install tesserocr)") from None
        self._tesserocr: Any = tesserocr
        self.tessdata = find_tessdata(tessdata)
        available = [m for m in (models or MODEL_ORDER) if (self.tessdata / f"{m}.traineddata").is_file()]
        if not available:
            raise CaptureError(f"tesseract script models: none of {', '.join(models or MODEL_ORDER)} in {self.tessdata}")
        self.models = tuple(available)
        self._apis: dict[str, Any] = {}
        self.known: dict[str, str] = {}          # normalised -> display form
        self._roster: set[str] = set()
        self._seen_models: dict[str, int] = {}
        for name in roster:
            self.add_known(name)
        self._exact: dict[bytes, tuple[_Candidate, ...]] = {}
        self._masks: list[tuple[np.ndarray, tuple[_Candidate, ...]]] = []
        self.ocr_calls = 0

    def close(self) -> None:
        for api in self._apis.values():
            api.End()
        self._apis.clear()

    def __enter__(self) -> NameReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_known(self, name: str, roster: bool = True) -> None:
        """Add a name to the session's known names (from the roster, or learned from a confident read)."""
        clean = display_form(name)
        if not clean:
            return
        key = normalise(clean)
        self.known.setdefault(key, clean)
        if roster:
            self._roster.add(key)
        for model in scripts_of(clean):
            if model in self.models:
                self._seen_models[model] = self._seen_models.get(model, 0) + 1

    def match(self, text: str) -> tuple[str, float] | None:
        """The known name closest to ``text`` with its rapidfuzz score, if it is close enough.

        Roster names match from :data:`ROSTER_MATCH`, names learned from reads only from
        :data:`LEARNED_MATCH` (two students often share a first or a family name).
        """
        key = normalise(text)
        if not self.known or not key:
            return None
        best: tuple[str, float] | None = None
        for found, score, _ in process.extract(key, list(self.known), scorer=fuzz.ratio, limit=3):
            cutoff = ROSTER_MATCH if found in self._roster else LEARNED_MATCH
            if score >= cutoff and (best is None or score > best[1]):
                best = (self.known[found], float(score))
        if best is None and len(key) >= PREFIX_MIN:
            # a label cut short by a narrow tile: the one roster name it begins
            starts = [k for k in self._roster if fuzz.ratio(k[: len(key)], key) >= LEARNED_MATCH]
            if len(starts) == 1:
                best = (self.known[starts[0]], float(ROSTER_MATCH))
        return best

    def _api(self, model: str) -> Any:
        api = self._apis.get(model)
        if api is None:
            tess = self._tesserocr
            try:
                api = tess.PyTessBaseAPI(path=str(self.tessdata), lang=model, psm=tess.PSM.SINGLE_LINE)
            except RuntimeError:
                raise CaptureError(f"tesseract model {model}: cannot load it from {self.tessdata}") from None
            self._apis[model] = api
        return api

    def _model_order(self) -> list[str]:
        seen = sorted(self._seen_models, key=lambda m: -self._seen_models[m])
        return seen + [m for m in self.models if m not in seen]

    def _ocr(self, label: np.ndarray) -> tuple[_Candidate, ...]:
        """Reads of the label by the script models, stopping at a confident or known read."""
        image = np.ascontiguousarray(_ocr_image(label))
        height, width = image.shape
        found: list[_Candidate] = []
        for model in self._model_order():
            api = self._api(model)
            api.SetImageBytes(image.tobytes(), width, height, 1, width)
            text = display_form(api.GetUTF8Text())
            self.ocr_calls += 1
            if not any(ch.isalpha() for ch in text):
                continue
            candidate = _Candidate(text, float(api.MeanTextConf()), model)
            found.append(candidate)
            matched = self.match(text)
            if (matched is not None and matched[1] >= 90) or (
                candidate.confidence >= ACCEPT_CONFIDENCE and compatible(text, model)
            ):
                break
        return tuple(found)

    def read(self, label: np.ndarray | None) -> NameRead:
        """The name on a label crop (BGR or gray); OCR runs only for a label not seen before."""
        if label is None or label.size == 0 or min(label.shape[:2]) < 4:
            return NameRead(None, "", 0.0, True)
        mask = label_mask(label)
        key = hashlib.blake2b((mask > 0.5).tobytes() + bytes(str(mask.shape), "ascii"), digest_size=16).digest()
        hit = self._exact.get(key)
        if hit is None:
            for cached_mask, cached in self._masks:
                if same_label(mask, cached_mask):
                    hit = cached
                    break
            if hit is not None:
                self._exact[key] = hit
        cached_read = hit is not None
        if hit is None:
            hit = self._ocr(label) if mask.max() > 0.5 else ()
            self._exact[key] = hit
            self._masks.append((mask, hit))
        return self._resolve(hit, cached_read)

    def _resolve(self, candidates: tuple[_Candidate, ...], cached: bool) -> NameRead:
        """Reads -> a known name (best fuzzy match), a new name (a confident read), or unreadable."""
        best_match: tuple[str, float, _Candidate] | None = None
        for candidate in candidates:
            matched = self.match(candidate.text)
            if matched is not None and (best_match is None or matched[1] > best_match[1]):
                best_match = (matched[0], matched[1], candidate)
        if best_match is not None:
            return NameRead(best_match[0], best_match[2].text, best_match[2].confidence, cached)
        plausible = [c for c in candidates if compatible(c.text, c.model)]
        if not plausible:
            best = max(candidates, key=lambda c: c.confidence, default=None)
            return NameRead(None, best.text if best else "", best.confidence if best else 0.0, cached)
        best = max(plausible, key=lambda c: c.confidence)
        letters = sum(ch.isalpha() for ch in best.text)
        if best.confidence >= MIN_CONFIDENCE and letters >= 2:
            self.add_known(best.text, roster=False)
            return NameRead(best.text, best.text, best.confidence, cached)
        return NameRead(None, best.text, best.confidence, cached)
