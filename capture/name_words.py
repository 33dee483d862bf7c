"""The words names are made of, for spelling the text-line recogniser's reads of small labels.

A read of a label whose letters are 5-6 px tall is often a letter or two off the name it shows
("Claudia Whiman"), while the recogniser's own probabilities give the real name almost the same
likelihood. :meth:`NameWords.respelled` weighs each word of a read against the name words a letter
or two away, with a prior for name words: the given and family names of the US census (the
``names`` package's lists, installed from PyPI) and the words of the session's roster. A name word
is taken only where the recogniser's probabilities nearly allow it, so a clearly read name that is
no name word (most names of the world are not in the census) keeps its spelling.
"""

from __future__ import annotations

import functools
import importlib.resources
import math
import unicodedata
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from model.text_lines import LineRead, log_likelihoods

CENSUS_LISTS = ("dist.all.last", "dist.female.first", "dist.male.first")  # files of the `names` package
# log-likelihood (nats) a word that is no name word must have over a name word to be kept as read:
# a name word is e^2 (about 7) times likelier a priori
NAME_WORD_PRIOR = 2.0
MIN_RESPELLED = 3  # words shorter than this are kept as read (initials, particles)
NEAR_EDITS = 2  # name words up to this many letter edits from a read word are weighed ...
SHORT_WORD = 4  # ... one edit for words this short or shorter, and for words that are name words
NEAR_LIMIT = 60  # at most this many of them, the closest first


@functools.cache
def census_words() -> tuple[str, ...]:
    """The census's given and family names, capitalised as names are written ("Whitman"), sorted."""
    package = importlib.resources.files("names")
    words = {
        line.split()[0].capitalize()
        for listing in CENSUS_LISTS
        for line in (package / listing).read_text(encoding="ascii").splitlines()
        if line.strip()
    }
    return tuple(sorted(words))


@dataclass(frozen=True)
class Spelling:
    """A read as the name words make it: its text, its confidence (0-100, the read's confidence
    scaled by the likelihood the spelling lost per letter), and whether its words are name words
    (:meth:`NameWords.respelled`)."""

    text: str
    confidence: float
    named: bool


class NameWords:
    """The census's name words and the words of the names added (the roster's)."""

    def __init__(self) -> None:
        self._census = census_words()
        self._known = frozenset(self._census)
        self._added: set[str] = set()

    def add(self, name: str) -> None:
        """The words of ``name`` become name words."""
        self._added.update(unicodedata.normalize("NFC", name).split())

    def __contains__(self, word: str) -> bool:
        """Whether ``word`` is a name word, or an initial ("D", "J.")."""
        initial = len(word.rstrip(".")) == 1 and word[0].isupper()
        return initial or word in self._known or word in self._added

    def near(self, word: str) -> list[str]:
        """The name words a few letter edits from ``word`` (:data:`NEAR_EDITS`), the closest first."""
        edits = 1 if word in self or len(word) <= SHORT_WORD else NEAR_EDITS
        found = process.extract(
            word, self._census, scorer=Levenshtein.distance, score_cutoff=edits, limit=NEAR_LIMIT
        )
        found += process.extract(word, list(self._added), scorer=Levenshtein.distance, score_cutoff=edits)
        return [near for near, _, _ in sorted(found, key=lambda item: item[1]) if near != word]

    def _unnamed(self, words: list[str]) -> int:
        """How many words with letters are no name words."""
        return sum(1 for word in words if any(ch.isalpha() for ch in word) and word not in self)

    def _named(self, words: list[str]) -> bool:
        """Whether every word with letters is a name word, one at least more than an initial."""
        return self._unnamed(words) == 0 and any(len(word.rstrip(".")) > 1 and word in self for word in words)

    def respelled(self, read: LineRead) -> Spelling:
        """``read`` with each word of :data:`MIN_RESPELLED` letters or more replaced, in turn, by the
        spelling that is likeliest on the recogniser's probabilities with :data:`NAME_WORD_PRIOR`
        for name words: the word as read or a name word near it. A last word of one letter may go
        (a stray mark read beyond the label). Without probabilities, the read as it is."""
        words = read.text.split()
        if read.steps is None or not words:
            return Spelling(read.text, read.confidence, self._named(words))
        for i, word in enumerate(list(words)):
            options: list[list[str]] = [[word]]
            if len(word) >= MIN_RESPELLED:
                options += [[near] for near in self.near(word)]
            elif len(word) == 1 and i == len(words) - 1 and i > 0:
                options.append([""])  # gone, the space before it kept (the recogniser wrote one)
            trials = [words[:i] + option + words[i + 1 :] for option in options]
            scores = log_likelihoods(read.steps, [" ".join(trial) for trial in trials])
            scores -= NAME_WORD_PRIOR * np.array([self._unnamed(trial) for trial in trials])
            words = trials[int(np.argmax(scores))]
        text = " ".join(word for word in words if word)
        if text == read.text:
            return Spelling(text, read.confidence, self._named(words))
        lost = float(np.diff(log_likelihoods(read.steps, [read.text, " ".join(words)]))[0])
        confidence = read.confidence * math.exp(min(0.0, lost) / max(1, len(text)))
        return Spelling(text, confidence, self._named(words))
