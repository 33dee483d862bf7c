"""Spelling the recogniser's reads of small labels with name words (capture.name_words): on made-up
probabilities, and on small labels the generator draws."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import numpy as np

from capture.name_reader import sure_line
from capture.name_words import NameWords, census_words, likeliest_name, writable
from capture.synth.text import TextRenderer
from model.text_lines import CHARSET, LineRead, TextLineReader, decode


def _read(path: str, unsure: dict[int, tuple[str, float]] | None = None) -> LineRead:
    """A read of one line whose steps spell ``path`` ("_" the blank) at 0.9; ``unsure``: steps where
    another character (or "_") has the given probability instead of the path's."""
    blank = len(CHARSET)
    steps = np.full((len(path), blank + 1), 1e-4, np.float32)
    for t, ch in enumerate(path):
        steps[t, blank if ch == "_" else CHARSET.index(ch)] = 0.9
    for t, (ch, p) in (unsure or {}).items():
        steps[t, blank if ch == "_" else CHARSET.index(ch)] = p
    steps /= steps.sum(axis=1, keepdims=True)
    text = " ".join(
        "".join(ch for i, ch in enumerate(path) if ch != "_" and (i == 0 or path[i - 1] != ch)).split()
    )
    return LineRead(text, 90.0, steps)


def test_census_words_are_capitalised_names() -> None:
    words = census_words()
    assert len(words) > 90_000
    assert {"Whitman", "Steele", "Maria", "James"} <= set(words)
    assert all(word[:1].isupper() and word[1:].islower() for word in words[::1000])


def test_a_letter_the_recogniser_nearly_saw_makes_a_name_word() -> None:
    # "Whiman": at the step between "i" and "m" a "t" had 0.3 against the blank's 0.6
    read = _read("_W_h_i__m_a_n_", unsure={7: ("t", 0.3)})
    assert read.text == "Whiman"
    spelled = NameWords().respelled(read)
    assert spelled.text == "Whitman" and spelled.named
    assert spelled.confidence < read.confidence  # it lost some likelihood


def test_a_clear_read_that_is_no_name_word_keeps_its_spelling() -> None:
    read = _read("_D_a_y_a_m_i_ _Y_o_s_h_i_n_o_")
    spelled = NameWords().respelled(read)
    assert (spelled.text, spelled.confidence, spelled.named) == ("Dayami Yoshino", read.confidence, False)


def test_a_stray_letter_after_the_name_goes_and_initials_stay() -> None:
    stray = _read("_J_a_c_k_ _D_a_v_i_s_ _a_", unsure={23: ("_", 0.45)})
    assert NameWords().respelled(stray).text == "Jack Davis"
    initial = NameWords().respelled(_read("_M_a_d_h_a_n_ _D_"))
    assert initial.text == "Madhan D" and not initial.named  # Madhan is no census name
    assert NameWords().respelled(_read("_A_n_n_a_ _D_")).named


def test_unsure_letters_at_the_end_may_be_the_labels_edge() -> None:
    path = "_D_a_y_a_m_i_ _Y_o_s_h_i_n_o_z_a_"
    edge = {path.rindex("z"): ("N", 0.7), path.rindex("a"): ("A", 0.7)}  # "z" and "a" at about 0.56
    (read,) = decode(_read(path, unsure=edge).steps[None])  # its confidence from its letters
    spelled = NameWords().respelled(read)
    assert spelled.text == "Dayami Yoshino"
    assert spelled.confidence > read.confidence and sure_line(spelled)  # the edge's letters weigh no more
    assert NameWords().respelled(_read(path)).text == "Dayami Yoshinoza"  # letters read sure stay
    glued = _read("_J_a_d_a_ _G_r_i_m_e_s_a_A_", unsure={23: ("o", 0.7), 25: ("N", 0.7)})
    assert glued.text == "Jada GrimesaA"
    assert NameWords().respelled(glued).text == "Jada Grimes"


def test_one_glyph_may_be_two_letters_small_text_runs_together() -> None:
    """At 5-6 px "rn" looks like "m": "Tumer", with an "r" and an "n" the recogniser half saw in the
    steps of its "m", is "Turner" (two edits away, past the near words' reach), not "Tuner"."""
    path = "_T_o_m_ _T_u_m_e_r_"
    m = path.rindex("m")
    assert NameWords().respelled(_read(path, unsure={m - 1: ("r", 0.4), m: ("n", 0.3)})).text == "Tom Turner"
    assert NameWords().respelled(_read(path, unsure={m: ("n", 0.3)})).text == "Tom Tuner"  # no "r" seen
    assert NameWords().respelled(_read(path)).text == "Tom Tumer"  # a clear "m" stays


def test_roster_words_are_name_words() -> None:
    words = NameWords()
    read = _read("_A_d_e_b_a_y_u_", unsure={13: ("o", 0.4)})
    assert words.respelled(read).text == "Adebayu"
    words.add("Monica Adebayo")
    assert words.respelled(read).text == "Adebayo"


def _plain_labels_read(
    bench_script: Callable[[str], ModuleType], size: int, seed: int
) -> tuple[list[str], list[LineRead]]:
    """The generator's plain Latin names (bench/name_lines.py) drawn as Zoom labels at ``size`` px by
    its renderer, and the recogniser's reads of them."""
    bench = bench_script("name_lines")
    names: list[str] = bench.latin_names(marks=False, plain=True)
    rng = np.random.default_rng(seed)
    renderer = TextRenderer()
    return names, TextLineReader.load().read([bench.zoom_label(renderer, name, size, rng) for name in names])


def test_small_generated_labels_read_better_spelled(bench_script: Callable[[str], ModuleType]) -> None:
    """The generator's plain Latin names at 7 px, drawn by its renderer (bench/name_lines.py): more
    are read exactly once spelled with the name words, and the reads taken are mostly right."""
    names, reads = _plain_labels_read(bench_script, 7, 5)
    words = NameWords()
    spelled = [words.respelled(read) for read in reads]
    as_read = np.mean([read.text == name for read, name in zip(reads, names, strict=True)])
    exact = np.mean([s.text == name for s, name in zip(spelled, names, strict=True)])
    taken = [s.text == name for s, name in zip(spelled, names, strict=True) if sure_line(s)]
    assert exact >= as_read + 0.08, (as_read, exact)
    assert np.mean(taken) >= 0.8 and len(taken) >= 0.75 * len(names), (np.mean(taken), len(taken))


def test_roster_names_are_found_whole_and_strangers_are_not(
    bench_script: Callable[[str], ModuleType],
) -> None:
    """Small generated labels (7 and 8 px) of roster names find their names by likelihood, reads a
    few letters off included; labels of people not on the roster find none."""
    bench = bench_script("name_lines")
    names = bench.latin_names(marks=False, plain=True)
    rng = np.random.default_rng(6)
    picked = [names[i] for i in rng.permutation(len(names))[:60]]
    roster, strangers = picked[:40], picked[40:]
    renderer = TextRenderer()
    reader = TextLineReader.load()
    for size in (7, 8):
        on = reader.read([bench.zoom_label(renderer, name, size, rng) for name in roster])
        off = reader.read([bench.zoom_label(renderer, name, size, rng) for name in strangers])
        found = [likeliest_name(read, roster) for read in on]
        right = sum(f is not None and f.text == name for f, name in zip(found, roster, strict=True))
        wrong = sum(f is not None and f.text != name for f, name in zip(found, roster, strict=True))
        exact = sum(read.text == name for read, name in zip(on, roster, strict=True))
        assert right >= max(0.9 * len(roster), exact + 2) and wrong <= 1, (size, right, wrong, exact)
        assert sum(likeliest_name(read, roster) is not None for read in off) <= 1, size


def test_roster_names_are_weighed_by_what_the_recogniser_can_write() -> None:
    """A roster name in a script the recogniser cannot write is weighed by its student number;
    one with too little it can write is not weighed at all."""
    assert writable("20200756 김선경") == "20200756"
    assert writable("김선경(20200756)") == "(20200756)"
    assert writable("이희래") == ""
    read = _read("_2_0_2_0_0_7_5_6_")
    roster = ["20200759 양예지", "20200756 김선경", "이희래", "20190777 김선경"]
    found = likeliest_name(read, roster)
    assert found is not None and found.text == "20200756 김선경"
    assert likeliest_name(read, ["이희래", "김선경"]) is None


def test_a_common_name_wins_over_a_rare_one_the_recogniser_hesitates_between() -> None:
    """ "Tuner" and "Turner" are both census surnames; where the recogniser half saw the "r", the
    common one is the spelling (its rank adds to its prior); where it clearly saw none, "Tuner"."""
    half = _read("_T_u__n_e_r_", unsure={5: ("r", 0.4)})
    assert half.text == "Tuner"
    assert NameWords().respelled(half).text == "Turner"
    clear = _read("_T_u__n_e_r_")
    assert NameWords().respelled(clear).text == "Tuner"


def test_a_read_a_letter_from_a_common_name_is_not_sure_alone() -> None:
    """At 5-6 px a "G" may be read as a sure "O": "Anya Oregory" is likelier a misread Gregory than a
    rare name, so it is no sure read alone; a name word, a word that is a letter from no common name,
    and a word with a mark read ("Müller", a letter from Miller) are."""
    words = NameWords()
    misread = words.respelled(_read("_A_n_y_a_ _O_r_e_g_o_r_y_"))
    assert misread.text == "Anya Oregory" and misread.mistakable and not sure_line(misread)
    for path in ("_A_n_y_a_ _G_r_e_g_o_r_y_", "_D_a_y_a_m_i_ _Y_o_s_h_i_n_o_", "_J_a_n_ _M_ü_l_l_e_r_"):
        spelled = words.respelled(_read(path))
        assert not spelled.mistakable and sure_line(spelled), spelled


def test_the_reads_taken_of_small_generated_labels_are_right(
    bench_script: Callable[[str], ModuleType],
) -> None:
    """The generator's plain Latin names at 8 px (bench/name_lines.py): of the reads the name reader
    takes alone, 97 % or more are right (94 % when a read a letter from a common name was taken too)."""
    names, reads = _plain_labels_read(bench_script, 8, 8)
    words = NameWords()
    taken = [
        s.text == name
        for s, name in zip((words.respelled(read) for read in reads), names, strict=True)
        if sure_line(s)
    ]
    assert np.mean(taken) >= 0.97 and len(taken) >= 0.85 * len(names), (np.mean(taken), len(taken))
