"""The name key capture and storage both compare names by (model.names)."""

from __future__ import annotations

import hashlib
import hmac

from model.names import name_key


def test_the_key_folds_case_width_and_white_space() -> None:
    assert name_key("  Ana \t NOVÁK\n") == "ana novák"
    assert name_key("Ｊｕｒｇｅｎ ﬁsher") == "jurgen fisher"  # full-width letters, a ligature
    assert name_key("Straße") == name_key("STRASSE") == "strasse"
    assert name_key("\u3000王\u00a0伟 ") == "王 伟"  # ideographic and no-break spaces


def test_pseudonyms_keep_the_key_they_were_made_with() -> None:
    from storage.writes import PrivacyPolicy

    key = b"k" * 32
    expected = hmac.new(key, "zoë ünal".encode(), hashlib.sha256).hexdigest()[:8]
    assert PrivacyPolicy("pseudonymous", pseudonym_key=key).pseudonym(" ZOË  Ünal") == f"Student {expected}"
