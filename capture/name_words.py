"""What the session knows of names, weighed on the text-line recogniser's probabilities: the words
names are made of, to spell its reads of small labels, and the roster's names, to match them.

A read of a label whose letters are 5-6 px tall is often a letter or two off the name it shows
("Claudia Whiman"), while the recogniser's own probabilities give the real name almost the same
likelihood. :meth:`NameWords.respelled` weighs each word of a read against the name words a letter
or two away, with a prior for name words: the given and family names of the US census (the
``names`` package's lists, installed from PyPI) and the words of the session's roster. A name word
is taken only where the recogniser's probabilities nearly allow it, so a clearly read name that is
no name word (most names of the world are not in the census) keeps its spelling.

With a roster, :func:`likeliest_name` weighs each roster name whole on the same probabilities: a
read three letters off its name ("Lora Sm" for "Laura Smith") is still far likelier as that name
than as any other.
"""

from __future__ import annotations

import functools
import importlib.resources
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from model.text_lines import CHARSET, LineRead, log_likelihoods, written

CENSUS_LISTS = ("dist.all.last", "dist.female.first", "dist.male.first")  # files of the `names` package
# log-likelihood (nats) a word that is no name word must have over a name word to be kept as read:
# a name word is e^2 (about 7) times likelier a priori
NAME_WORD_PRIOR = 2.0
# a census word ranked above RARE_RANK adds COMMON_WEIGHT times the log of how far above to its prior
# (Turner over Tuner, Brian over Bran, where the recogniser hesitates between them)
COMMON_WEIGHT = 0.25
RARE_RANK = 20_000
COMMON_RANK = 1_000  # a read word a letter from a census word ranked above this may be that word misread
MIN_RESPELLED = 3  # words shorter than this are kept as read (initials, particles)
NEAR_EDITS = 2  # name words up to this many letter edits from a read word are weighed ...
SHORT_WORD = 4  # ... one edit for words this short or shorter, and for words that are name words
NEAR_LIMIT = 60  # at most this many of them, the closest first
# a roster name is a read's when it is at most this much (nats a letter) less likely than the read ...
NAME_LOSS_PER_LETTER = 1.0
NAME_MARGIN = 5.0  # ... and this much (nats) likelier than any other roster name
MIN_WRITABLE = 3  # a roster name is weighed when the recogniser can write this many of its characters
# the last letters of a read (at most EDGE_LETTERS), each written with less than EDGE_LETTER_SURE,
# may be the label's edge (a plate's end, the video beyond it) read as letters: "Jada GrimesaA"
EDGE_LETTERS = 2
EDGE_LETTER_SURE = 0.8
EDGE_LETTER_COST = 0.5  # nats a letter left to the edge costs a spelling (ties keep the letters)
MERGED: tuple[tuple[str, str], ...] = (("m", "rn"), ("w", "vv"), ("d", "cl"))  # one glyph read for two


@functools.cache
def census_words() -> tuple[str, ...]:
    """The census's given and family names, capitalised as names are written ("Whitman"), sorted."""
    return tuple(sorted(census_ranks()))


@functools.cache
def census_ranks() -> dict[str, int]:
    """Each census name, capitalised, and its best rank in the lists (1: the commonest family, given
    male or given female name); each line of a list is a name, its share, the cumulative share and
    its rank."""
    package = importlib.resources.files("names")
    ranks: dict[str, int] = {}
    for listing in CENSUS_LISTS:
        for line in (package / listing).read_text(encoding="ascii").splitlines():
            fields = line.split()
            if len(fields) == 4:
                word, rank = fields[0].capitalize(), int(fields[3])
                ranks[word] = min(ranks.get(word, rank), rank)
    return ranks


@functools.cache
def _census_within(shortest: int, longest: int) -> tuple[str, ...]:
    """The census's words from ``shortest`` to ``longest`` letters long (a word this many edits from
    another is at most this much longer or shorter)."""
    return tuple(word for word in census_words() if shortest <= len(word) <= longest)


@dataclass(frozen=True)
class Spelling:
    """A read as the name words make it: its text, its confidence (0-100, the read's confidence
    scaled by the likelihood the spelling lost per letter), whether its words are name words, and
    whether one that is none is a letter from a common one (``mistakable``: "Oregory", a small
    "G" read as "O", is likelier a misread "Gregory" than a rare name; :meth:`NameWords.respelled`)."""

    text: str
    confidence: float
    named: bool
    mistakable: bool = False


class NameWords:
    """The census's name words and the words of the names added (the roster's)."""

    def __init__(self) -> None:
        self._added: set[str] = set()

    def add(self, name: str) -> None:
        """The words of ``name`` become name words."""
        self._added.update(unicodedata.normalize("NFC", name).split())

    def __contains__(self, word: str) -> bool:
        """Whether ``word`` is a name word, or an initial ("D", "J.")."""
        initial = len(word.rstrip(".")) == 1 and word[0].isupper()
        return initial or word in census_ranks() or word in self._added

    def near(self, word: str) -> list[str]:
        """The name words a few letter edits from ``word`` (:data:`NEAR_EDITS`), the closest first."""
        edits = 1 if word in self or len(word) <= SHORT_WORD else NEAR_EDITS
        census = _census_within(len(word) - edits, len(word) + edits)
        found = process.extract(
            word, census, scorer=Levenshtein.distance, score_cutoff=edits, limit=NEAR_LIMIT
        )
        found += process.extract(word, list(self._added), scorer=Levenshtein.distance, score_cutoff=edits)
        return [near for near, _, _ in sorted(found, key=lambda item: item[1]) if near != word]

    def _alike(self, word: str) -> list[str]:
        """The name words a read ``word`` may stand for: those near it (:meth:`near`), and those it
        is with one glyph read as the two letters small text runs together (:func:`_glyphs_apart`)."""
        return [*self.near(word), *(apart for apart in _glyphs_apart(word) if apart in self)]

    def _unnamed(self, words: list[str]) -> int:
        """How many words with letters are no name words."""
        return sum(1 for word in words if any(ch.isalpha() for ch in word) and word not in self)

    def _mistakable(self, words: list[str]) -> bool:
        """Whether a word with letters, none marked, that is no name word is one letter edit from a
        name word of the census ranked above :data:`COMMON_RANK` (a mark read is a detail seen:
        "Müller" is no misread "Miller")."""
        return any(
            any(ch.isalpha() for ch in word)
            and word not in self
            and word == _unmarked(word)
            and any(
                Levenshtein.distance(word, near) == 1 and census_ranks().get(near, COMMON_RANK) < COMMON_RANK
                for near in self.near(word)
            )
            for word in words
        )

    def _named(self, words: list[str]) -> bool:
        """Whether every word with letters is a name word, one at least more than an initial."""
        return self._unnamed(words) == 0 and any(len(word.rstrip(".")) > 1 and word in self for word in words)

    def respelled(self, read: LineRead) -> Spelling:
        """``read`` with each word of :data:`MIN_RESPELLED` letters or more replaced, in turn, by the
        spelling that is likeliest on the recogniser's probabilities with :data:`NAME_WORD_PRIOR`
        for name words and more for common ones (:func:`_commonness`): the word as read or a name
        word like it (:meth:`_alike`). A last word of one letter may go (a stray mark read beyond
        the label), and the unsure last letters of the last word may be the label's edge
        (:func:`_edge_cuts`): the spellings of the word without them are weighed too, with those
        letters still in the text weighed (they were seen) but left out of the name. Without
        probabilities, the read as it is."""
        words = read.text.split()
        if read.steps is None or not words:
            return Spelling(read.text, read.confidence, self._named(words), self._mistakable(words))
        edge = ""  # the letters read beyond the label
        letters = written(read.steps)
        for i, word in enumerate(list(words)):
            options: list[tuple[list[str], str]] = [([word], "")]
            if len(word) >= MIN_RESPELLED:
                options += [([near], "") for near in self._alike(word)]
            elif len(word) == 1 and i == len(words) - 1 and i > 0:
                options.append(([""], ""))  # gone, the space before it kept (the recogniser wrote one)
            if i == len(words) - 1 and i > 0:
                for stem, cut in _edge_cuts(word, letters):
                    options += [([spelling], cut) for spelling in [stem, *self._alike(stem)]]
            trials = [(words[:i] + option + words[i + 1 :], cut) for option, cut in options]
            scores = log_likelihoods(read.steps, [" ".join(trial) + cut for trial, cut in trials])
            scores -= NAME_WORD_PRIOR * np.array([self._unnamed(trial) for trial, _ in trials])
            scores += np.array([sum(_commonness(word) for word in trial) for trial, _ in trials])
            scores -= EDGE_LETTER_COST * np.array([len(cut) for _, cut in trials])
            words, edge = trials[int(np.argmax(scores))]
        text = " ".join(word for word in words if word)
        if text == read.text:
            return Spelling(text, read.confidence, self._named(words), self._mistakable(words))
        lost = float(np.diff(log_likelihoods(read.steps, [read.text, " ".join(words) + edge]))[0])
        confidence = _without_last(read.confidence, letters, len(edge))
        return Spelling(text, _scaled(confidence, lost, text), self._named(words), self._mistakable(words))


def _unmarked(word: str) -> str:
    """``word`` without the marks on its letters ("José" is "Jose")."""
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))


def _glyphs_apart(word: str) -> list[str]:
    """``word`` with one of its letters read as two that small text runs together (:data:`MERGED`:
    "m" for "rn"), each way it can be."""
    return [
        word[:i] + apart + word[i + len(merged) :]
        for merged, apart in MERGED
        for i in range(len(word))
        if word.startswith(merged, i)
    ]


def _edge_cuts(word: str, wrote: list[tuple[str, float]]) -> list[tuple[str, str]]:
    """The ways to read the end of the last ``word`` as the label's edge: the word without its last
    one or :data:`EDGE_LETTERS` letters, each written (``wrote``: :func:`~model.text_lines.written`)
    less sure than :data:`EDGE_LETTER_SURE`, where :data:`MIN_RESPELLED` letters or more remain
    (``(stem, cut)`` pairs)."""
    letters = _to_last_letter(wrote)
    cuts = []
    for count in range(1, EDGE_LETTERS + 1):
        stem, cut = word[:-count], word[-count:]
        last = letters[-count:]
        if (
            len(stem) >= MIN_RESPELLED
            and cut.isalpha()
            and "".join(ch for ch, _ in last) == cut
            and all(p < EDGE_LETTER_SURE for _, p in last)
        ):
            cuts.append((stem, cut))
    return cuts


def _without_last(confidence: float, wrote: list[tuple[str, float]], count: int) -> float:
    """A read's ``confidence`` (the geometric mean of every character it wrote, ``wrote``)
    without its last ``count`` letters'."""
    letters = _to_last_letter(wrote)
    if count == 0 or count >= len(letters):
        return confidence
    total = len(wrote) * math.log(max(confidence, 1e-6) / 100.0)
    kept = total - sum(math.log(p) for _, p in letters[-count:])
    return 100.0 * math.exp(kept / (len(wrote) - count))


def _to_last_letter(wrote: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """What the recogniser wrote up to its last letter (spaces after it left out)."""
    end = len(wrote)
    while end and wrote[end - 1][0] == " ":
        end -= 1
    return wrote[:end]


def _commonness(word: str) -> float:
    """The prior (nats) a census word's rank adds: :data:`COMMON_WEIGHT` of how far above
    :data:`RARE_RANK` it ranks (log), none for rarer words and words outside the census."""
    rank = census_ranks().get(word)
    return COMMON_WEIGHT * max(0.0, math.log(RARE_RANK / rank)) if rank else 0.0


def _scaled(confidence: float, lost: float, text: str) -> float:
    """A read's ``confidence`` for another text that is ``lost`` nats less likely: scaled by the
    likelihood lost per letter (never raised)."""
    return confidence * math.exp(min(0.0, lost) / max(1, len(text)))


def likeliest_name(read: LineRead, names: Sequence[str]) -> Spelling | None:
    """The roster name ``read`` shows, weighed whole on the recogniser's probabilities: the likeliest
    of ``names`` when it is at most :data:`NAME_LOSS_PER_LETTER` a letter less likely than the read
    and :data:`NAME_MARGIN` likelier than every other name; None otherwise (a label of someone not
    on the roster, a label in a script the recogniser cannot write). A name is weighed by what the
    recogniser can write of it (:func:`writable`: "20200756 김선경" as its student number), when
    that is :data:`MIN_WRITABLE` characters or more."""
    if read.steps is None or not read.text:
        return None
    forms = {name: writable(name) for name in names}
    weighed = [name for name in names if len(forms[name]) >= MIN_WRITABLE]
    if not weighed:
        return None
    scores = log_likelihoods(read.steps, [read.text, *(forms[name] for name in weighed)])
    ranked = np.argsort(-scores[1:])
    best = weighed[int(ranked[0])]
    lost = float(scores[1 + ranked[0]] - scores[0])
    runner_up = float(scores[1 + ranked[1]]) if len(weighed) > 1 else -np.inf
    if lost < -NAME_LOSS_PER_LETTER * len(forms[best]) or scores[1 + ranked[0]] - runner_up < NAME_MARGIN:
        return None
    return Spelling(best, _scaled(read.confidence, lost, forms[best]), True)


def writable(name: str) -> str:
    """What the recogniser can write of ``name``: its characters in :data:`~model.text_lines.CHARSET`,
    runs of the others and of white space as one space, none at either end."""
    return " ".join(
        "".join(ch if ch in CHARSET else " " for ch in unicodedata.normalize("NFC", name)).split()
    )
