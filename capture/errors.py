"""The capture package's user-facing error."""

from __future__ import annotations


class CaptureError(Exception):
    """A capture problem the user can fix (bad source, missing folder, unreadable file).

    The message is one line naming the thing; the CLI prints it and exits with status 2.
    """
