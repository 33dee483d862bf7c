"""Reading participant names from their tile labels, a frame at a time.

:class:`NameReader` runs each label of a frame through the label cache (:mod:`capture.label_cache`),
the label's pixels (:mod:`capture.label_pixels`), Tesseract's script models
(:mod:`capture.tesseract`; small labels first by the text-line recogniser,
:mod:`model.text_lines`) and fuzzy matching to the session's known names, the roster given by
the teacher and the names read so far (:mod:`capture.known_names`); with a roster, labels OCR
leaves unread are compared with the roster's names by their look (:mod:`capture.roster_look`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import cv2
import numpy as np
from rapidfuzz import fuzz

from capture.box import Box
from capture.errors import CaptureError
from capture.known_names import KnownNames
from capture.label_cache import Entry, LabelCache, NameRead
from capture.label_pixels import OCR_VARIANTS, crop_key, ocr_image, raw_line_image, text_line, text_line_box
from capture.name_text import (
    closed_brackets,
    fold_marks,
    garbled,
    line_form,
    match_key,
    normalise,
    without_edge_capital,
)
from capture.name_words import NameWords, Spelling, likeliest_name
from capture.roster_look import LookMemory
from capture.tesseract import (
    LANGUAGE_MODELS,
    SCRIPT_MODELS,
    Candidate,
    ScriptModels,
    TesseractEngines,
    compatible,
    fellow_readers,
    import_tesserocr,
)
from model.text_lines import LineRead, TextLineReader

# a language model's read is taken over a script model's read this many points surer (Korean
# labels: kor's "(초급)심희국" at 71 against Hangul's "(소급) 심희국" at 77)
LANGUAGE_MARGIN = 10
ACCEPT_CONFIDENCE = 90  # without a roster, a read this confident in its script model ends the search
MIN_CONFIDENCE = 55  # below this (and matching no known name) a read counts as unreadable
# ... and below this an OCR read of a small label (SMALL_LABEL_PX) that the recogniser does not
# read alike: Tesseract's reads of 5-8 px letters under it are mostly other text ("va" for "Laura
# Smith", Cyrillic for a Latin label); the recogniser's own spelled reads need as much
SMALL_OCR_CONFIDENCE = 75
AGREEING_MODELS = 3  # script models reading a label's text alike make it a candidate (_consensus)
NUMBER_DIGITS = 4  # ... or a number of this many digits or more in it (_agreed_digits)
VOTED_LETTERS = (
    2  # a read of the label's script this many letters off the surest or fewer votes (_voted_letters)
)
SURE_MATCH = 90.0  # a read matching a known name this well ends the search over models
MAX_LINE_SHARE = 0.25  # a name's text line alone is at most this share of its tile's height (measured: 0.10 median, 0.14 at the 95th percentile)
LINE_REACH = 0.3  # ... a taller one is found again at most this share of its text rows above and below
# cosine similarity of a new label's mask to the last label read as another name, for that name's
# script models to come before those of the name its tile is expected to show
HINT_OVERRIDE = 0.93
CONFIRM_SIMILARITY = 0.9  # ... to the last label read as its tile's expected name: that name, unread
LOOK_AGREEMENT = 50.0  # a sure read (SURE_READ_LETTERS or more) this unlike a roster name overrules its look
SURE_READ_LETTERS = 4
# a read of a line taken the other way may hold this many letters fewer than the first reads
TURNED_LOST_LETTERS = 2
# a label box this tall or less (letters of 11 px or less) is read by the recogniser first
SMALL_LABEL_PX = 16
LINE_CONFIDENCE = 90.0  # the recogniser's reads from this confidence are candidates
NAMED_LINE_CONFIDENCE = 75.0  # ... and from this one when every word is a name word (capture.name_words)
# ... of this many letters or more (its reads of other scripts' labels: digits, a letter or two)
LINE_LETTERS = 3
LINE_MODEL = SCRIPT_MODELS["LATIN"]  # the script the recogniser reads (its reads are that model's candidates)

Label: TypeAlias = np.ndarray | tuple[np.ndarray, Box] | None  # a crop, or (crop, box of the text in it)


@dataclass(frozen=True)
class _LineRead:
    """The recogniser's read of a label as a candidate, whether it is sure of it, and whether each of
    its words is a name word (a roster name's are)."""

    candidate: Candidate
    sure: bool
    named: bool = False


@dataclass(frozen=True)
class ReadLimits:
    """How much OCR one frame may take: new or unreadable labels read, attempts at one label over
    the session, and milliseconds (None: no time cap)."""

    max_reads_per_frame: int
    max_attempts: int
    budget_ms: float | None

    def __post_init__(self) -> None:
        if self.max_reads_per_frame < 1 or self.max_attempts < 1:
            raise CaptureError("name reader: max_reads_per_frame and max_attempts must be at least 1")
        if self.budget_ms is not None and self.budget_ms <= 0:
            raise CaptureError(f"name reader: budget_ms must be positive (got {self.budget_ms})")


class _Budget:
    """One frame's OCR budget: labels read so far and the time since the frame began."""

    def __init__(self, limits: ReadLimits) -> None:
        self._limits = limits
        self._started = time.perf_counter()
        self._reads = 0

    def spent(self) -> bool:
        """Whether the next label waits for a later frame: the frame read as many labels as it may,
        or its time is up (once it read one)."""
        budget_ms = self._limits.budget_ms
        over_time = budget_ms is not None and (time.perf_counter() - self._started) * 1000 >= budget_ms
        return self._reads >= self._limits.max_reads_per_frame or (self._reads > 0 and over_time)

    def take(self) -> None:
        """Count a label read."""
        self._reads += 1


@dataclass
class _Work:
    """A label the cache could not name at once: its place in the frame, its mask key, its text line
    when it was found already, its crop, and whether it was in the cache when the frame began (new
    labels are read first)."""

    index: int
    key: bytes
    line: np.ndarray | None
    label: np.ndarray
    core: Box | None
    seen: bool


@dataclass
class _Frame:
    """One frame's reading: what :meth:`NameReader.read_frame` was given per label, its OCR budget,
    the reads so far (None: none yet), the crop key of each label that may be compared by its look,
    and the roster names no label shows yet (:meth:`NameReader._absent`)."""

    hints: list[str | None]
    tile_heights: Sequence[int] | None
    look_labels: Sequence[tuple[np.ndarray, Box] | None] | None
    budget: _Budget
    out: list[NameRead | None]
    crop_keys: dict[int, bytes] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)

    def shown(self, name: str) -> None:
        """``name`` was read on this frame: no longer absent."""
        if name in self.absent:
            self.absent.remove(name)


def _unnamed(read: NameRead | None) -> bool:
    """No name for this label yet, and not one waiting for OCR budget: its look may name it."""
    return read is None or (read.name is None and not read.deferred)


def _contradicted(read: NameRead | None, name: str) -> bool:
    """Whether OCR read the label surely enough, as text unlike ``name``, to overrule its look: a
    guest's legible label that merely looks like a roster name is no roster name."""
    if read is None or read.confidence < MIN_CONFIDENCE:
        return False
    text = match_key(read.raw)
    return len(text) >= SURE_READ_LETTERS and fuzz.ratio(text, match_key(name)) < LOOK_AGREEMENT


def _check_lengths(
    count: int,
    hints: Sequence[str | None],
    tile_heights: Sequence[int] | None,
    look_labels: Sequence[tuple[np.ndarray, Box] | None] | None,
) -> None:
    """A :class:`CaptureError` unless every per-label argument of :meth:`NameReader.read_frame` has one
    entry per label."""
    if len(hints) != count:
        raise CaptureError(f"name reader: {len(hints)} expected names for {count} labels")
    if tile_heights is not None and len(tile_heights) != count:
        raise CaptureError(f"name reader: {len(tile_heights)} tile heights for {count} labels")
    if look_labels is not None and len(look_labels) != count:
        raise CaptureError(f"name reader: {len(look_labels)} look-up crops for {count} labels")


def _line_text(candidate: Candidate) -> str:
    """A read's text as reads are compared: in line form, runs of white space as one space."""
    return " ".join(line_form(candidate.text).split())


def _agreed(line: Candidate | None, read: Sequence[Candidate]) -> Candidate | None:
    """The recogniser's unsure read of a small label when an OCR model reads the very same text:
    two readers that err differently agreeing are a sure read (with the surer one's confidence)."""
    if line is None:
        return None
    same = [c.confidence for c in read if _line_text(c) == line.text]
    return Candidate(line.text, max([line.confidence, *same]), LINE_MODEL) if same else None


def _fellows_agreed(read: Sequence[Candidate]) -> Candidate | None:
    """The surest OCR read of a small label that another model of its script read the very same
    (HanS and chi_sim on a Chinese name): for the scripts the recogniser does not read, two models
    agreeing stand for its agreement (:func:`_agreed`)."""
    for candidate in sorted(read, key=lambda c: -c.confidence):
        text = _line_text(candidate)
        if compatible(text, candidate.model) and any(
            other.model in fellow_readers(text, candidate.model)
            and compatible(text, other.model)
            and _line_text(other) == text
            for other in read
        ):
            return candidate
    return None


def _whole_name_read(candidate: Candidate) -> bool:
    """Whether an OCR read holds letters enough, surely enough, to be a whole name on its own (a
    read of video taken for a text line gives a few letters, or many unsurely)."""
    letters = sum(ch.isalpha() for ch in candidate.text)
    return letters >= SURE_READ_LETTERS and candidate.confidence >= SMALL_OCR_CONFIDENCE


def _whole_sure_reads(
    reads: Sequence[Candidate], first: Sequence[Candidate], decisive: Callable[[Candidate], bool]
) -> list[Candidate]:
    """Of the ``reads`` of a label's line taken the other way, those that are sure (``decisive``)
    and hold about as many letters as the most any ``first`` read of its script held (at most
    :data:`TURNED_LOST_LETTERS` fewer): a sure read of part of the line (the first word lost by an
    icon before it) is no read of the label."""

    def letters(candidate: Candidate) -> int:
        return sum(ch.isalpha() for ch in candidate.text)

    most = max((letters(c) for c in first if compatible(c.text, c.model)), default=0)
    return [c for c in reads if decisive(c) and letters(c) >= most - TURNED_LOST_LETTERS]


def _consensus(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Texts read alike by :data:`AGREEING_MODELS` script models or more, whatever their scripts, as
    candidates at their reads' median confidence: the Latin letters every model also knows, read the
    same by several of them, stand against the Latin model's own slip ("haron Evans" for the "Aaron
    Evans" of five others). Where they differ from a read of a model of their script in marks alone
    (which the other models drop), that read is the candidate (in punctuation alone, theirs); with
    fewer letters than such a read (a word of it alone), none."""
    own = [c for c in candidates if compatible(c.text, c.model)]
    reads: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        reads.setdefault(candidate.text, []).append(candidate)
    agreed = []
    for text, same in reads.items():
        key = match_key(text)
        rivals = [c for c in own if compatible(text, c.model)]  # reads of its script's own models
        if len({c.model for c in same}) < AGREEING_MODELS or any(
            len(key) < len(match_key(c.text)) for c in rivals
        ):
            continue
        confidence = float(np.median([c.confidence for c in same]))
        marked = [
            c for c in rivals if match_key(c.text) != key and fold_marks(match_key(c.text)) == fold_marks(key)
        ]
        agreed += [Candidate(c.text, confidence, c.model) for c in marked] or [
            Candidate(text, confidence, same[0].model)
        ]
    return agreed


def _agreed_digits(best: Candidate, candidates: Sequence[Candidate]) -> Candidate:
    """``best`` with its one number (a student number) written as :data:`AGREEING_MODELS` or more
    other script models read it alike, where they read another of :data:`NUMBER_DIGITS` digits or
    more more often than ``best``'s: digits are drawn alike in every script, and a script model
    sure of a label's letters may be the one that misreads its digits ("김양훈(20082)" for
    "김양훈(20181112)", which four other models read)."""
    numbers = re.findall(r"\d+", best.text)
    if len(numbers) != 1:
        return best
    readers: dict[str, set[str]] = {}
    for c in candidates:
        if c is not best:
            for number in re.findall(rf"\d{{{NUMBER_DIGITS},}}", c.text):
                readers.setdefault(number, set()).add(c.model)
    if not readers:
        return best
    number = max(readers, key=lambda n: len(readers[n]))
    count = len(readers[number])
    if count < AGREEING_MODELS or count <= len(readers.get(numbers[0], ())):
        return best
    return Candidate(best.text.replace(numbers[0], number, 1), best.confidence, best.model)


def _voted_letters(best: Candidate, candidates: Sequence[Candidate]) -> Candidate:
    """``best`` with each letter the reads of its script outvote: the reads by models of its script
    (both passes) whose text, white space aside, is as long and differs in :data:`VOTED_LETTERS`
    letters or fewer vote for their letters, ``best`` for its own; a letter read by more of them (as
    many: with more summed confidence), and by two at least, is taken. Two models of a script slip
    on different letters of a compressed or rescaled label ("(초글)강 미숙" against the "(초급)" of
    two other reads)."""
    letters = "".join(best.text.split())
    votes: list[dict[str, list[float]]] = [{ch: [best.confidence]} for ch in letters]
    for voter in candidates:
        text = "".join(voter.text.split())
        if (
            voter is best
            or not (compatible(voter.text, voter.model) and compatible(best.text, voter.model))
            or len(text) != len(letters)
            or sum(a != b for a, b in zip(text, letters, strict=True)) > VOTED_LETTERS
        ):
            continue
        for vote, ch in zip(votes, text, strict=True):
            vote.setdefault(ch, []).append(voter.confidence)

    def chosen(vote: dict[str, list[float]], own: str) -> str:
        rival = max(vote, key=lambda ch: (len(vote[ch]), sum(vote[ch])))
        return (
            rival
            if len(vote[rival]) >= 2
            and (len(vote[rival]), sum(vote[rival])) > (len(vote[own]), sum(vote[own]))
            else own
        )

    picks = iter(chosen(vote, own) for vote, own in zip(votes, letters, strict=True))
    text = "".join(ch if ch.isspace() else next(picks) for ch in best.text)
    return best if text == best.text else Candidate(text, best.confidence, best.model)


def sure_line(spelled: Spelling) -> bool:
    """Whether the recogniser's read of a small label, spelled with the name words, is sure: from
    :data:`LINE_CONFIDENCE`, or from :data:`NAMED_LINE_CONFIDENCE` when its words are name words;
    never when a word is a letter from a common name word it is not (``mistakable``)."""
    threshold = NAMED_LINE_CONFIDENCE if spelled.named else LINE_CONFIDENCE
    return spelled.confidence >= threshold and not spelled.mistakable


def _small_label(work: _Work, frame: _Frame) -> tuple[np.ndarray, Box] | None:
    """A label's crop and box where the gallery's labels agree it is (else where it was found),
    when the box is no taller than :data:`SMALL_LABEL_PX`: the recogniser's to read."""
    band = frame.look_labels[work.index] if frame.look_labels else None
    crop, box = band if band is not None else (work.label, work.core)
    return None if box is None or box[3] > SMALL_LABEL_PX else (crop, box)


class NameReader:
    """Reads names from label crops for one session; keeps the OCR engines and the label cache.

    :meth:`read_frame` reads all labels of one frame: labels seen before come from the cache, at
    most ``max_reads_per_frame`` new or unreadable labels are OCRed (the rest wait for a later
    frame; the default reads a whole 7x7 gallery on its first frame), and a label that gave no name is
    read again on later frames, up to ``max_attempts`` times, each time prepared another way.
    ``budget_ms`` caps the OCR time of one frame: once it is spent, the remaining labels wait for
    later frames too (at least one label is read per frame; None: no time cap).
    The script models of the roster's names are loaded when the reader is made.
    """

    def __init__(
        self,
        roster: Iterable[str] = (),
        tessdata: Path | None = None,
        models: Sequence[str] | None = None,
        *,
        max_reads_per_frame: int = 49,
        max_attempts: int = len(OCR_VARIANTS),
        budget_ms: float | None = None,
    ) -> None:
        tesserocr = import_tesserocr()
        self._limits = ReadLimits(max_reads_per_frame, max_attempts, budget_ms)
        self._engines = TesseractEngines(tesserocr, tessdata, models)
        self._models = ScriptModels(self._engines.models)
        self._names = KnownNames()
        self._lines: TextLineReader | None = None  # loaded for the first small label
        self._words: NameWords | None = None  # ... with the name words that spell its reads
        for name in roster:
            self.add_known(name)
        self._cache = LabelCache(self._names.looks_alike)
        self._frame = 0
        self._previous: set[str] = set()  # normalised names read on the previous frame
        roster_names = sorted(self._names.shown(key) for key in self._names.roster)
        self._looks = LookMemory(roster_names) if roster_names else None
        for model in self._models.order():
            if model in self._models.roster:  # loaded now, at session start, not in the first frame
                self._engines.load(model)

    def close(self) -> None:
        self._engines.close()
        self._lines = None  # the recogniser's ONNX Runtime session goes now, not at interpreter exit

    def __enter__(self) -> NameReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def ocr_calls(self) -> int:
        """How many lines Tesseract has read this session."""
        return self._engines.calls

    def add_known(self, name: str, roster: bool = True) -> None:
        """Add a name to the session's known names (from the roster, or learned from a confident
        read: :meth:`capture.known_names.KnownNames.add`); its scripts' models are tried earlier
        from now on."""
        known = self._names.add(name, roster)
        if known is not None:
            self._models.count(known, roster)
        if known is not None and roster and self._words is not None:
            self._words.add(known)

    def match(self, text: str) -> tuple[str, float] | None:
        """The known name closest to ``text`` with its score (0..100), if it is close enough
        (:meth:`capture.known_names.KnownNames.match`)."""
        return self._names.match(text)

    def read(self, label: np.ndarray | None, core: Box | None = None) -> NameRead:
        """The name on one label crop (BGR or gray), as a frame of its own (see :meth:`read_frame`)."""
        return self.read_frame([label if core is None or label is None else (label, core)])[0]

    def read_frame(
        self,
        labels: Sequence[Label],
        expected: Sequence[str | None] | None = None,
        tile_heights: Sequence[int] | None = None,
        look_labels: Sequence[tuple[np.ndarray, Box] | None] | None = None,
    ) -> list[NameRead]:
        """The names on the labels of one frame; each label is a crop or (crop, box of the text in it).

        ``expected`` may give, per label, the name its tile is thought to show (tile and face
        continuity): a new label is then read with that name's script models only (all models on
        its last attempt), so a label redrawn at another size usually takes one OCR call. The read
        still decides the name. A label without an expected name is read first with the script
        models of the name whose label looks most like it.
        ``tile_heights`` may give each label's tile height: a text line taller than
        :data:`MAX_LINE_SHARE` of it holds video above the label too (a label box found too tall),
        and is read only with the script models of its expected name, not at all without one.
        ``look_labels`` may give, per label, the crop that roster look matching compares instead
        (where the gallery's labels agree the label is; :meth:`_match_by_look`), and that the
        recogniser of small labels reads (:meth:`_small_line`).
        """
        hints: list[str | None] = list(expected) if expected is not None else [None] * len(labels)
        _check_lengths(len(labels), hints, tile_heights, look_labels)
        self._frame += 1
        frame = _Frame(hints, tile_heights, look_labels, _Budget(self._limits), [None] * len(labels))
        if self._cache.trim() and self._looks is not None:
            self._looks.forget()  # keyed by the same crops
        work = [w for i, label in enumerate(labels) if (w := self._triage(i, label, frame)) is not None]
        frame.absent = self._absent(frame.out, hints)
        for item in sorted(work, key=lambda w: (w.seen, w.index)):
            self._read_one(item, frame)
        if self._looks is not None and self._looks.due(self._frame):
            looks = (
                [look or label for look, label in zip(look_labels, labels, strict=True)]
                if look_labels
                else labels
            )
            self._match_by_look(self._looks, looks, frame, {w.index: w.key for w in work})
        self._previous = {normalise(r.name) for r in frame.out if r is not None and r.name}
        return [r if r is not None else NameRead(None, "", 0.0, True) for r in frame.out]

    def _triage(self, index: int, item: Label, frame: _Frame) -> _Work | None:
        """The read of a blank label, or of one the look memory or the cache names, into
        ``frame.out``; otherwise the work of reading it."""
        label, core = item if isinstance(item, tuple) else (item, None)
        if label is None or label.size == 0 or min(label.shape[:2]) < 4:
            frame.out[index] = NameRead(None, "", 0.0, True)
            return None
        crop = frame.crop_keys[index] = crop_key(label, core)
        looked = self._looks.recall(crop) if self._looks is not None else None
        if looked is not None:
            frame.out[index] = NameRead(looked.name, "", 100 * looked.score, True)
            return None
        key, line = self._cache.mask_key(crop, label, core)
        if key is None:
            frame.out[index] = NameRead(None, "", 0.0, True)
            return None
        entry = self._cache.entry(key)
        if entry is not None and (
            entry.result.name is not None
            or entry.attempts >= self._limits.max_attempts
            or entry.frame == self._frame
        ):
            frame.out[index] = entry.cached()
            return None
        return _Work(index, key, line, label, core, seen=entry is not None)

    def _absent(self, out: Sequence[NameRead | None], hints: Sequence[str | None]) -> list[str]:
        """Names no label of the frame shows, nor is expected to: first those read on the previous
        frame (tiles moved), then the roster's."""
        shown = {normalise(r.name) for r in out if r is not None and r.name} | {
            normalise(h) for h in hints if h
        }
        recent = [self._names.shown(key) for key in sorted(self._previous - shown)]
        return recent + [
            self._names.shown(key) for key in sorted(self._names.roster - shown - self._previous)
        ]

    def _read_one(self, work: _Work, frame: _Frame) -> None:
        """Read one label of the frame into ``frame.out``: from the cache when a label showing the same
        text was read on this frame already, deferred when the budget is spent, taken as its tile's
        expected name when it looks like that name's last label, else by OCR."""
        i = work.index
        entry = self._cache.entry(work.key)
        if entry is not None and entry.frame == self._frame:
            frame.out[i] = entry.cached()
            return
        if frame.budget.spent():
            frame.out[i] = NameRead(None, "", 0.0, False, deferred=True)
            return
        line = text_line(work.label, work.core) if work.line is None else work.line
        if line is None:
            return
        # a line this tall holds video above the label too: first the line kept to the rows of its
        # text (a name without a plate on textured video), then the line taken the other way (white
        # letters with a dark shadow over light video, whose dark parts were taken for the text),
        # else read only as the name the tile is expected to show (all script models on such a
        # line mostly read the video)
        tall = frame.tile_heights is not None and line.shape[0] > MAX_LINE_SHARE * frame.tile_heights[i]
        kept = text_line(work.label, work.core, reach=LINE_REACH) if tall else None
        if kept is not None and self._fits(kept, frame, i):
            line, tall = kept, False
        taken_turned = False
        if tall:
            turned = text_line(work.label, work.core, turned=True)
            if turned is not None and self._fits(turned, frame, i):
                line, tall, taken_turned = turned, False, True
        if tall and not (frame.look_labels and frame.look_labels[i] is not None):
            frame.crop_keys.pop(i)  # nor matched by its look: the crop holds video
        # nor by OCR at all without an expected name: only the recogniser, on the label's band
        unread = tall and frame.hints[i] is None
        small_label = _small_label(work, frame) is not None  # the recogniser's to read
        if unread and not small_label:
            frame.out[i] = NameRead(None, "", 0.0, False)
            return
        look_alike, similarity = self._cache.look_alike(self._cache.mask(work.key))
        if (
            entry is None
            and not tall
            and look_alike is not None
            and look_alike == frame.hints[i]
            and (similarity >= CONFIRM_SIMILARITY and not self._names.looks_alike(look_alike))
        ):
            # the name its tile is expected to show (tile continuity), on a label that looks like
            # the last one read as that name (redrawn at another size): two cues agree, no OCR.
            # Kept for this exact label only, so that similar labels are not taken from it in turn.
            read = frame.out[i] = NameRead(look_alike, "", 0.0, True)
            self._cache.settle(work.key, read, self._frame)
            frame.shown(look_alike)
            return
        frame.budget.take()
        if entry is None:
            entry = self._cache.open(work.key, self._frame)
        small = self._small_line(work, frame) if entry.attempts == 0 else None
        sure = small.candidate if small is not None and small.sure else None
        if sure is not None:
            entry.candidates.append(sure)
        resolved = self._resolve(entry.candidates) if sure is not None else None
        if resolved is None or resolved.name is None:  # the recogniser did not name it
            if unread:
                resolved = NameRead(None, "", 0.0, False)
            else:  # OCR reads it
                hint, only_hint = self._hint(entry, frame.hints[i], tall, look_alike, similarity)
                raw = raw_line_image(work.label, work.core) if entry.attempts == 0 else None
                ocr = self._ocr(line, entry.attempts, hint, only_hint=only_hint, absent=frame.absent, raw=raw)
                if taken_turned:  # a line found only the other way: a sure read of a whole name, or none
                    ocr = [c for c in ocr if _whole_name_read(c) or self._decisive(c)]
                agreed = (
                    _agreed(small.candidate if small is not None else None, ocr) or _fellows_agreed(ocr)
                    if sure is None
                    else None
                )
                entry.candidates.extend([agreed] if agreed is not None else ocr)
                if (
                    entry.attempts == 0
                    and not (small_label or tall or taken_turned)
                    and not any(map(self._decisive, entry.candidates))
                ):
                    # no read sure: the text may be the other side of the line's pixels (white
                    # letters in a dark shadow over light video, the shadow taken for the text)
                    other_way = text_line(work.label, work.core, turned=True)
                    reads = (
                        self._ocr(other_way, 0, hint, only_hint=only_hint, absent=frame.absent)
                        if other_way is not None
                        else []
                    )
                    entry.candidates.extend(_whole_sure_reads(reads, entry.candidates, self._decisive))
                alone = agreed is None and small_label
                resolved = self._resolve(entry.candidates, SMALL_OCR_CONFIDENCE if alone else MIN_CONFIDENCE)
                if resolved.name is None and entry.attempts == 0 and not small_label:
                    # unread on a line that runs into the video round it: its text rows alone, once
                    # (kept already for a tall line; not a small label's: the recogniser read it)
                    text_rows = (
                        kept if kept is not None else text_line(work.label, work.core, reach=LINE_REACH)
                    )
                    if text_rows is not None and text_rows.shape[0] < line.shape[0]:
                        reads = self._ocr(text_rows, 0, hint, only_hint=only_hint, absent=frame.absent)
                        entry.candidates.extend(reads)
                        resolved = self._resolve(entry.candidates)
            if resolved.name is None and entry.attempts == 0 and small is None:
                # a larger label OCR left unnamed: the roster name the recogniser singles out, or
                # its sure read of name words only (without a roster on the rows of the label's
                # text line: the box found may hold a plate's margins and the video round it)
                h, w = work.label.shape[:2]
                rows = None if self._names.roster else text_line_box(work.label, work.core)
                line_read = self._recognised(work.label, rows or work.core or (0, 0, w, h))
                named = self._line_candidate(line_read) if line_read is not None else None
                if named is not None and named.sure and named.named:
                    entry.candidates.append(named.candidate)
                    resolved = self._resolve(entry.candidates)
        entry.attempts += 1
        entry.frame = self._frame
        entry.result = frame.out[i] = resolved
        if entry.result.name is not None:
            self._cache.remember_name(entry.result.name, entry.mask)
            frame.shown(entry.result.name)

    @staticmethod
    def _fits(line: np.ndarray, frame: _Frame, index: int) -> bool:
        """Whether a text line is no taller than a name's line alone is in its tile
        (:data:`MAX_LINE_SHARE`)."""
        return frame.tile_heights is None or line.shape[0] <= MAX_LINE_SHARE * frame.tile_heights[index]

    def _line_candidate(self, read: LineRead) -> _LineRead | None:
        """A recogniser's ``read`` as a candidate: the roster name it singles out
        (:meth:`_roster_line`), else the read spelled with the name words
        (:meth:`capture.name_words.NameWords.respelled`) when it has :data:`LINE_LETTERS` letters or
        more, sure or not (:func:`sure_line`)."""
        named = self._roster_line(read)
        if named is not None:
            return named
        spelled = self._name_words().respelled(read)
        text = closed_brackets(line_form(without_edge_capital(spelled.text)))
        if sum(ch.isalpha() for ch in text) < LINE_LETTERS:
            return None
        return _LineRead(Candidate(text, spelled.confidence, LINE_MODEL), sure_line(spelled), spelled.named)

    def _small_line(self, work: _Work, frame: _Frame) -> _LineRead | None:
        """The text-line recogniser's read of a label no taller than :data:`SMALL_LABEL_PX` (where
        the gallery's labels agree it is, else where it was found), of :data:`LINE_LETTERS` letters
        or more, spelled with the name words (:meth:`capture.name_words.NameWords.respelled`); with
        a roster, the roster name it shows when the recogniser's probabilities single one out
        (:meth:`_roster_line`). None for larger labels. An unsure read (:func:`sure_line`) is taken
        only when OCR reads the same (:func:`_agreed`)."""
        small = _small_label(work, frame)
        read = self._recognised(*small) if small is not None else None
        return self._line_candidate(read) if read is not None else None

    def _recognised(self, crop: np.ndarray, box: Box) -> LineRead | None:
        """The recogniser's read of the label line at ``box`` in ``crop``, cut as it was trained: the
        box's rows and a quarter of its height around them, from the crop's left edge (a label's
        box found too far right would lose its first letters; its first column repeated for a
        quarter of its height, as a plate drawn flush with the tile's edge continues) to its right
        edge. None for a line too small to read."""
        _, y, _, h = box
        pad = max(1, round(h / 4))
        line = cv2.copyMakeBorder(crop[max(0, y - pad) : y + h + pad], 0, 0, pad, 0, cv2.BORDER_REPLICATE)
        if min(line.shape[:2]) < 4:
            return None
        if self._lines is None:
            self._lines = TextLineReader.load()
        (read,) = self._lines.read([line])
        return read

    def _name_words(self) -> NameWords:
        """The session's name words (made at the first small label): the census's and the roster's."""
        if self._words is None:
            self._words = NameWords()
            for key in self._names.roster:
                self._words.add(self._names.shown(key))
        return self._words

    def _roster_line(self, read: LineRead) -> _LineRead | None:
        """With a roster, the roster name the recogniser's ``read`` shows, a sure candidate, when its
        probabilities single one out (:func:`capture.name_words.likeliest_name`)."""
        roster = [self._names.shown(key) for key in sorted(self._names.roster)]
        named = likeliest_name(read, roster) if roster else None
        return _LineRead(Candidate(named.text, named.confidence, LINE_MODEL), True, True) if named else None

    def _hint(
        self, entry: Entry, expected: str | None, tall: bool, look_alike: str | None, similarity: float
    ) -> tuple[str | None, bool]:
        """The name whose script models read a label first, and whether only they do: the tile's
        ``expected`` name, alone until the label's last attempt (or for good on a ``tall`` line);
        without one, the name whose label it looks most like; with one, that name instead when the
        label looks very like its label (tiles moved, continuity guessed wrong)."""
        last_attempt = entry.attempts + 1 >= self._limits.max_attempts
        if expected is None:  # no tile continuity: the name whose label looks most like it goes first
            return look_alike, False
        if look_alike is not None and similarity >= HINT_OVERRIDE:
            return look_alike, tall or not last_attempt
        return expected, tall or not last_attempt

    def _ocr(
        self,
        line: np.ndarray,
        variant: int,
        hint: str | None = None,
        only_hint: bool = False,
        absent: Sequence[str] = (),
        raw: np.ndarray | None = None,
    ) -> list[Candidate]:
        """Reads of a text line by the script models, stopping at a known name or a confident read.

        A known name stops the search when it matches from :data:`SURE_MATCH`, or from its match
        cutoff when the read and the name are both of the script the model reads (the other
        scripts' models cannot match that label better).

        The models of ``hint``'s scripts come first (``only_hint``: no others); then those of the
        ``absent`` roster names (a label nobody is expected on is most likely one of them: a student
        who joins); then, with a roster, the models of the roster's scripts, and the others only when
        none of them gave a roster name.

        With ``raw`` (the label's own pixels, :func:`raw_line_image`), when no model read the text
        line decisively, the models read the raw pixels too: the ink coverage is clean where the
        label is drawn sharply, the raw pixels keep the thin strokes of the small, blurred labels
        of real calls.
        """
        order = (only_hint and self._models.for_hint(hint)) or self._models.order(hint, absent)
        found: list[Candidate] = []
        for image in (np.ascontiguousarray(ocr_image(line, variant)), raw):
            if image is None:
                continue
            decided = self._read_with(image, order, found)
            if decided:
                break
        return found

    def _read_with(self, image: np.ndarray, order: Sequence[str], found: list[Candidate]) -> bool:
        """Reads of ``image`` by the models of ``order`` added to ``found``, until one is decisive (see
        :meth:`_ocr`); True when one was."""
        for index, model in enumerate(order):
            candidate = self._engines.read(image, model)
            if any(ch.isalpha() for ch in candidate.text):
                found.append(candidate)
                if self._decisive(candidate):
                    self._read_by_fellows(image, candidate, order[index + 1 :], found)
                    return True
            last_roster_model = (
                index + 1 < len(order)
                and model in self._models.roster
                and (order[index + 1] not in self._models.roster)
            )
            if last_roster_model and any(self.match(c.text) is not None for c in found):
                return True
        return False

    def _read_by_fellows(
        self, image: np.ndarray, decisive: Candidate, rest: Sequence[str], found: list[Candidate]
    ) -> None:
        """A confident read of a script two models read (Hangul and kor) is read by the other too,
        and one of a script Latin letters look like (Cyrillic, Greek) by the Latin model, when it is
        one of the models still to try (``rest``): the surer is taken (:meth:`_resolve`), as each
        misreads labels the other reads right. A read that matched a known name needs no other."""
        if self.match(decisive.text) is not None:
            return
        for model in fellow_readers(decisive.text, decisive.model):
            if model in rest:
                candidate = self._engines.read(image, model)
                if any(ch.isalpha() for ch in candidate.text):
                    found.append(candidate)

    def _decisive(self, candidate: Candidate) -> bool:
        """Whether a read ends the search over models (see :meth:`_ocr`); without a roster, a read
        confident in its own script does too."""
        text, model = candidate.text, candidate.model
        matched = self.match(text)
        if matched is not None and matched[1] >= SURE_MATCH:
            return True
        if matched is not None and compatible(text, model) and compatible(matched[0], model):
            return True
        return (
            not self._names.roster and candidate.confidence >= ACCEPT_CONFIDENCE and compatible(text, model)
        )

    def _match_by_look(
        self, looks: LookMemory, labels: Sequence[Label], frame: _Frame, keys: dict[int, bytes]
    ) -> None:
        """The labels of this frame that gave no name, each tried once by its look against the roster
        names no other label shows (:mod:`capture.roster_look`); a match stands for a read. ``keys``
        holds the mask key of each label the cache could not name at once."""
        out = frame.out
        todo = [
            i
            for i, crop in frame.crop_keys.items()
            if not looks.compared(crop) and not (i in keys and looks.compared(keys[i])) and _unnamed(out[i])
        ]
        if not todo:
            return
        shown = {normalise(r.name) for r in out if r is not None and r.name}
        free = [name for name in looks.look.names if normalise(name) not in shown]
        crops: list[tuple[np.ndarray, Box | None]] = []
        for i in todo:  # every label with a crop key has a crop
            item = labels[i]
            crops.append(item if isinstance(item, tuple) else (np.asarray(item), None))
        for i, match in zip(todo, looks.look.assign(crops, free), strict=True):
            if match is not None and _contradicted(out[i], match.name):
                match = None
            looks.remember(frame.crop_keys[i], match)
            if i in keys:  # the same text over other video: not compared again
                looks.remember(keys[i], match)
            if match is None:
                continue
            read = out[i] = NameRead(match.name, "", 100 * match.score, False)
            entry = self._cache.entry(keys[i]) if i in keys else None
            if entry is not None:
                entry.result = read

    def _resolve(self, candidates: Sequence[Candidate], floor: float = MIN_CONFIDENCE) -> NameRead:
        """Reads -> a known name (best fuzzy match), a new name (the surest plausible read from
        ``floor``, or the read of the language model of its script up to :data:`LANGUAGE_MARGIN`
        points less sure: :data:`~capture.tesseract.LANGUAGE_MODELS`), or unreadable."""
        best_match: tuple[str, float, Candidate] | None = None
        for candidate in candidates:
            matched = self.match(candidate.text)
            if matched is not None and (best_match is None or matched[1] > best_match[1]):
                best_match = (matched[0], matched[1], candidate)
        if best_match is not None:
            return NameRead(best_match[0], best_match[2].text, best_match[2].confidence, False)
        plausible = [c for c in candidates if compatible(c.text, c.model)] + _consensus(candidates)
        plausible = [c for c in plausible if not garbled(c.text)]
        if not plausible:
            best = max(candidates, key=lambda c: c.confidence, default=None)
            return NameRead(None, best.text if best else "", best.confidence if best else 0.0, False)
        best = max(plausible, key=lambda c: (c.confidence, c.model in LANGUAGE_MODELS))
        language = [
            c
            for c in plausible
            if c.model in LANGUAGE_MODELS
            and c.model in fellow_readers(best.text, best.model)
            and c.confidence >= best.confidence - LANGUAGE_MARGIN
        ]
        best = _agreed_digits(
            _voted_letters(max(language, key=lambda c: c.confidence, default=best), candidates), candidates
        )
        letters = sum(ch.isalpha() for ch in best.text)
        if not self._names.roster and best.confidence >= floor and letters >= 2:
            self.add_known(best.text, roster=False)
            return NameRead(best.text, best.text, best.confidence, False)
        return NameRead(None, best.text, best.confidence, False)
