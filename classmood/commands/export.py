"""`classmood export`: observations as CSV, for one session, all, or a date range."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from classmood.config import Settings
from classmood.errors import UserError


def _date(text: str) -> datetime:
    """An ISO date or date-time; without a zone it is UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date or date-time (e.g. 2026-11-24)"
        ) from None
    from storage import utc

    return utc(value)


def _end_date(text: str) -> datetime:
    """Like :func:`_date`, but a plain date means the end of that day, so --to includes it."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return _date(text)
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        "export",
        parents=[common["config"], common["db"]],
        help="export observations as CSV",
        description="Writes CSV to --out, or to standard output.",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--session", type=int, metavar="ID")
    which.add_argument("--all", action="store_true")
    which.add_argument(
        "--from", dest="start", type=_date, metavar="DATE", help="start of a date range (UTC, inclusive)"
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=_end_date,
        metavar="DATE",
        help="end of the date range (UTC; a plain date includes that whole day, a date-time is exclusive)",
    )
    parser.add_argument("--out", type=Path, default=None, metavar="FILE")
    parser.add_argument(
        "--excel",
        action="store_true",
        help="for spreadsheets: UTF-8 with a byte-order mark, so names in any script open right",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from classmood.wiring import open_database
    from storage import export_csv

    if args.end is not None and args.start is None:
        raise UserError("--to needs --from")
    if args.end is not None and args.end <= args.start:
        raise UserError("--to must be after --from")
    db = open_database(settings, must_exist=True)
    if args.out is None:
        export_csv(db, sys.stdout, args.session, args.start, args.end, excel=args.excel)
        return 0
    partial = args.out.with_name(args.out.name + ".part")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            rows = export_csv(db, handle, args.session, args.start, args.end, excel=args.excel)
        partial.replace(args.out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"{args.out}: {exc.strerror or exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    print(f"wrote {rows} rows to {args.out}", file=sys.stderr)
    return 0
