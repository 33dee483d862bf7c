"""The session's known names, the roster's and those learned from confident reads, and fuzzy
matching of OCR text to them (rapidfuzz)."""

from __future__ import annotations

import unicodedata
from collections.abc import Set

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from capture.name_text import display_form, fold_marks, match_key, normalise

ROSTER_MATCH = 80.0  # rapidfuzz ratio (0..100) for a read to be taken as a roster name
LEARNED_MATCH = 90.0  # ... as a name read earlier in the session (similar names are common)
PREFIX_MIN = 5  # a read this long may match the beginning of a roster name (label cut short)
PREFIX_WEIGHT = 0.95  # ... scored as this share of its ratio with that beginning
FOLDED_WEIGHT = 0.97  # a match found only without accents scores this share of its ratio
CONFUSABLE_EDITS = 2  # known names this few letter edits apart (प्रिया शर्मा / प्रिया वर्मा) look alike as masks,
CONFUSABLE_SHARE = 0.2  # when the edits are at most this share of the name (吴磊 / 吴伟 do not look alike)


class KnownNames:
    """Names known this session by their :func:`~capture.name_text.normalise` key: how each is
    shown, which are the roster's, which look alike, and the keys fuzzy matching compares."""

    def __init__(self) -> None:
        self._shown: dict[str, str] = {}  # normalised -> display form
        self._keys: dict[str, str] = {}  # match key -> normalised
        self._folded: dict[str, str] = {}  # match key -> the same without Latin/Greek/Cyrillic accents
        self._roster: set[str] = set()
        self._confusable: set[str] = set()  # normalised names with a look-alike among the known names

    @property
    def roster(self) -> Set[str]:
        """The roster's names, normalised."""
        return self._roster

    def shown(self, key: str) -> str:
        """The display form of the known name normalised as ``key``."""
        return self._shown[key]

    def add(self, name: str, roster: bool = True) -> str | None:
        """Add a name (from the roster, or learned from a confident read) and return it as it is
        known; None when it has no letters to compare.

        A roster name keeps its spelling (spaces normalised only: "มาลี ศรีสุข" stays two words,
        though OCR's spacing of Thai is dropped); a read one is OCR text made a name (:func:`display_form`)."""
        clean = " ".join(unicodedata.normalize("NFC", name).split()) if roster else display_form(name)
        key = normalise(clean)
        if not key:
            return None
        letters = match_key(clean)
        if key not in self._shown:
            self._confusable.update(self._look_alikes(key, letters))
        self._shown.setdefault(key, clean)
        self._keys.setdefault(letters, key)
        self._folded.setdefault(letters, fold_marks(letters))
        if roster:
            self._roster.add(key)
        return clean

    def _look_alikes(self, key: str, letters: str) -> set[str]:
        """``key`` and the known names whose letters are a few edits from ``letters`` (:data:`CONFUSABLE_EDITS`),
        when there are any: their labels may look alike."""
        found: set[str] = set()
        for other_letters, other in self._keys.items():
            longest = max(len(letters), len(other_letters))
            allowed = min(CONFUSABLE_EDITS, int(CONFUSABLE_SHARE * longest))
            if (
                allowed
                and abs(len(other_letters) - len(letters)) <= 1
                and (Levenshtein.distance(letters, other_letters, score_cutoff=allowed) <= allowed)
            ):
                found.update((key, other))
        return found

    def looks_alike(self, name: str | None) -> bool:
        """Whether a label read as ``name`` may look like another known name's label: such a label
        is only taken from the label cache when its mask is the same exactly, not when it is similar."""
        return name is not None and normalise(name) in self._confusable

    def match(self, text: str) -> tuple[str, float] | None:
        """The known name closest to ``text`` with its score (0..100), if it is close enough.

        Roster names match from :data:`ROSTER_MATCH`; a read of at least :data:`PREFIX_MIN` letters
        also matches the beginning of a roster name (a label cut short), when only one roster name
        begins that way. Names learned from reads match only from :data:`LEARNED_MATCH` (two
        students often share a first or family name).
        """
        key = match_key(text)
        if not self._keys or not key:
            return None
        scored: list[tuple[float, bool, str]] = []
        folded = fold_marks(key)
        for candidate, known in self._keys.items():
            score, prefix = float(fuzz.ratio(key, candidate)), False
            if folded != key or self._folded[candidate] != candidate:
                score = max(score, FOLDED_WEIGHT * fuzz.ratio(folded, self._folded[candidate]))
            if known in self._roster and PREFIX_MIN <= len(key) < len(candidate):
                cut = PREFIX_WEIGHT * fuzz.ratio(key, candidate[: len(key)])
                if cut > score:
                    score, prefix = cut, True
            scored.append((score, prefix, known))
        scored.sort(reverse=True)
        best_score, prefix, best = scored[0]
        cutoff = ROSTER_MATCH if best in self._roster else LEARNED_MATCH
        if best_score < cutoff:
            return None
        if prefix and len(scored) > 1 and scored[1][0] >= cutoff:
            return None  # the beginning of several names
        return self._shown[best], best_score
