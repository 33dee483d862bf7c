"""Names as text: OCR's text of a label made a name, and the keys names are compared by.

:func:`display_form` and the word clean-up (:func:`trimmed_words`, :func:`closed_brackets`) turn
what Tesseract read into a name as the label shows it; :func:`normalise`, :func:`match_key` and
:func:`fold_marks` are what two names are compared by. :func:`normalise` builds on
:func:`model.names.name_key`, the key storage compares names by too.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Sequence

from model.names import name_key

FOLDED_SCRIPTS = frozenset({"LATIN", "GREEK", "CYRILLIC"})  # scripts whose accents fold_marks drops

EDGE_WORD_CONFIDENCE = 70  # a short first or last word read less surely than this ...
EDGE_WORD_MARGIN = 20  # ... and this much less surely than the line's surest word is not part of the name
EDGE_WORD_LENGTH = 2  # ... when it is this short, or has no letter at all
TRAILING_SIGNS = ",;|_-"  # signs no name ends with: OCR reads them from a label's edge
CLOSING_MISREADS = ";:,.|]}"  # what OCR makes of the ")" closing a label's "(student number)"
OPENING_MISREADS = "[{|"  # what OCR makes of the "(" opening a label's "(level) name"
NAME_SIGNS = ".,'’-()[]_&@#/…"  # the signs names are written with; OCR reads others from noise
PERSIAN_YEH = "\u06cc"  # what Tesseract's Arabic script model writes for the Arabic yeh and alif maqsura
MAX_STRAY_SIGNS = 1  # a read with more signs than this that no name has ("게 ~ = ㅡ=") is noise


def normalise(name: str) -> str:
    """Compare-form of a name: :func:`model.names.name_key` (NFKC, case-folded) with no spaces,
    Persian letter forms as Arabic and no tatweel.

    Spaces are dropped because OCR puts them between CJK and Thai letters, which have none.
    """
    text = name_key(name).replace(PERSIAN_YEH, "\u064a").replace("\u06a9", "\u0643").replace("\u0640", "")
    return "".join(text.split())


def match_key(name: str) -> str:
    """What fuzzy matching compares: :func:`normalise` keeping only letters, marks and digits.

    OCR adds stray punctuation ("| Ana Novák |") and Zoom cuts long names with an ellipsis.
    """
    return "".join(ch for ch in normalise(name) if unicodedata.category(ch)[0] in "LMN")


def fold_marks(key: str) -> str:
    """``key`` without the accents of Latin, Greek and Cyrillic letters (OCR often drops or swaps them).

    Marks of other scripts (Devanagari and Thai vowel signs, Arabic and Hebrew points) are letters'
    substance there and stay.
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", key):
        if (
            unicodedata.category(ch) == "Mn"
            and out
            and unicodedata.name(out[-1], "").split(" ")[0] in FOLDED_SCRIPTS
        ):
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def display_form(text: str) -> str:
    """OCR text as a name: NFC, single spaces, no spaces between letters of unspaced scripts nor
    after a lone Hangul syllable (OCR spaces a name's syllables: "이 성 민") nor between a Hangul
    name and the bracket after it (OCR's spacing there is a guess either way), no stray one-character
    tokens at either end ("| Ana Novák |"; label edges read as letters) but a capital initial at
    its end, no two-character token of other than letters before it (the microphone or phone
    icon of a label), and Arabic letters where Tesseract writes Persian ones of their shape."""
    words = [_arabic_yeh(_without_loose_jamo(w)) for w in unicodedata.normalize("NFC", text).split()]
    words = [w for w in words if w]
    while (
        len(words) > 1
        and not _kept_alone(words[0])
        and (len(words[0]) == 1 or (len(words[0]) == 2 and not words[0].isalpha()))
    ):
        words.pop(0)  # a label's icon read as a letter and a sign ("X% Linda Lucas", "15 Ana")
    while len(words) > 1 and len(words[-1]) == 1 and not _kept_alone(words[-1]) and not _initial(words[-1]):
        words.pop()
    out, previous = "", ""
    for word in words:
        lone_syllable = len(previous) == 1 and _syllable(previous) and _syllable(word[0])
        bracketed = _syllable(out[-1:] or " ") and word[0] == "("  # 김선경(20200756): a space is OCR's guess
        inside = out[-1:] == "(" or word[0] == ")"
        if (
            out
            and not (_unspaced(out[-1]) and _unspaced(word[0]))
            and not (lone_syllable or bracketed or inside)
        ):
            out += " "
        out, previous = out + word, word
    return out


def _initial(word: str) -> bool:
    """Whether a last one-character token is a name's own: a capital initial ("Madhan D"; an unsure
    one is dropped by :func:`trimmed_words`) or a bracket closing a student number."""
    return word == ")" or (word.isalpha() and word.isupper())


def _arabic_yeh(word: str) -> str:
    """``word`` with the Persian yeh Tesseract's Arabic script model writes (ی) as the Arabic letter
    of the same shape: the dotted yeh (ي) inside a word, alif maqsura (ى) at its end. The glyphs
    are the same, so the pixels cannot tell Persian from Arabic, and Arabic is the more common."""
    if PERSIAN_YEH not in word:
        return word
    return word[:-1].replace(PERSIAN_YEH, "\u064a") + word[-1].replace(PERSIAN_YEH, "\u0649")


def _without_loose_jamo(word: str) -> str:
    """``word`` without lone Hangul letters (jamo) at its end after syllables ("전금랑ㅠ"): names
    are written in syllables, a loose jamo is a stroke of the label's edge read as a letter."""
    end = len(word)
    while (
        end > 1
        and unicodedata.name(word[end - 1], "").startswith("HANGUL LETTER")
        and _syllable(word[end - 2])
    ):
        end -= 1
    return word[:end]


def _kept_alone(word: str) -> bool:
    """Whether a one-character token is a name's letter (of an unspaced script, or a Hangul syllable)."""
    return _unspaced(word[0]) or _syllable(word[0])


def _syllable(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("HANGUL SYLLABLE")


def _unspaced(ch: str) -> bool:
    prefix = unicodedata.name(ch, "").split(" ")[0]
    return prefix in ("CJK", "HIRAGANA", "KATAKANA", "THAI")


def trimmed_words(words: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    """A line's words (text, confidence) without short unsure words at either end: the edge of a
    name plate, the video past it, or a label icon read as letters ("Monica Adebayo È-")."""
    kept = [(w, c) for w, c in words if w.strip()]
    while len(kept) > 1:
        for edge in (len(kept) - 1, 0):
            word, confidence = kept[edge]
            surest = max(c for i, (_, c) in enumerate(kept) if i != edge)
            junk = _signs_only(word) or (len(word) <= EDGE_WORD_LENGTH and _alphabetic(word))
            if junk and confidence < min(EDGE_WORD_CONFIDENCE, surest - EDGE_WORD_MARGIN):
                kept.pop(edge)
                break
        else:
            break
    return kept


def _signs_only(word: str) -> bool:
    """Whether ``word`` has no letter, nor a bracket or a number of several digits (a student number)."""
    return not any(ch.isalpha() or ch in "()" for ch in word) and sum(ch.isdigit() for ch in word) < 4


def _alphabetic(word: str) -> bool:
    """Whether ``word``'s letters are of an alphabet whose names have words longer than
    :data:`EDGE_WORD_LENGTH` (Latin, Greek, Cyrillic; not Hangul syllables or Chinese characters)."""
    return all(unicodedata.name(ch, "").split(" ")[0] in FOLDED_SCRIPTS for ch in word if ch.isalpha())


def garbled(text: str) -> bool:
    """Whether ``text`` has more than :data:`MAX_STRAY_SIGNS` signs names are not written with
    (punctuation and symbols other than :data:`NAME_SIGNS`; letters, their combining marks, digits
    and spaces are a name's): OCR's read of video or a stroke, not of a name."""
    stray = sum(1 for ch in text if unicodedata.category(ch)[0] in "PS" and ch not in NAME_SIGNS)
    return stray > MAX_STRAY_SIGNS


def line_form(text: str) -> str:
    """A whole line's read as a name is written: no sign a name does not end with
    (:data:`TRAILING_SIGNS`), in :func:`display_form`."""
    return display_form(text.strip().rstrip(TRAILING_SIGNS))


def without_edge_capital(text: str) -> str:
    """``text`` without one or two capitals glued to the end of its last word after a small letter,
    and a dot after them ("Jack DavisN", "Camille BlackwellN." are "Jack Davis", "Camille Blackwell"):
    the recogniser of small labels (:mod:`model.text_lines`) reads a plate's edge after a name so,
    and no name ends that way (capitals inside a name, "VonDoupe", "McIntyre", stay)."""
    head, _, last = text.rpartition(" ")
    core = last[:-1] if last.endswith(".") else last
    capitals = len(core) - len(core.rstrip(string.ascii_uppercase))
    if not 1 <= capitals <= 2 or len(core) == capitals or not core[-capitals - 1].islower():
        return text
    return f"{head} {core[:-capitals]}" if head else core[:-capitals]


def closed_brackets(text: str) -> str:
    """``text`` with a bracket left open at either end closed: the ")" at its end or the "(" at its
    start read as another sign or lost ("김선경(20200756;" is "김선경(20200756)", "초급) 강미숙" is
    "(초급) 강미숙": the thin bracket by the plate's edge)."""
    text = _opened_start(text)
    if text.count("(") != text.count(")") + 1 or text.rfind("(") < text.rfind(")"):
        return text
    opened = text[text.rfind("(") + 1 :]
    if not opened or not any(ch.isalnum() for ch in opened):
        return text
    if text[-1] in CLOSING_MISREADS and len(opened) > 1:
        return text[:-1] + ")"
    return text + ")" if text[-1].isalnum() else text


def _opened_start(text: str) -> str:
    """``text`` with the "(" of a bracketed first word restored: its ")" closes nothing."""
    close = text.find(")")
    if close <= 0 or "(" in text[:close] or text.count(")") != text.count("(") + 1:
        return text
    first = text[:close]
    if first[0] in OPENING_MISREADS and len(first) > 1:
        return "(" + text[1:]
    return "(" + text if first.isalnum() else text
