"""The key a person's name is compared by, the one rule capture and storage share.

Capture matches the names it reads to the roster, and storage matches names to the privacy
settings' exclusions and pseudonyms; both must agree on when two spellings are one name. The key
lives here because both packages already import ``model`` and neither may import the other
(capture never imports storage); it needs nothing but the standard library.
"""

from __future__ import annotations

import unicodedata


def name_key(name: str) -> str:
    """``name`` as compared: NFKC (full-width letters and ligatures as plain ones), case-folded,
    runs of white space as one space, none at either end."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())
