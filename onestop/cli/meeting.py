"""`onestop deck` and `onestop html`: the meeting pack from the command line.

    onestop deck [--db F] [--from D --to D] [--agency A …] [--pilot] [--lang vi|en] --out F.pptx
    onestop html [--db F] [--from D --to D] [--agency A …] [--pilot] [--lang vi|en] --out F.html

Without --from/--to the period is the pilot's (else the whole data span); without --agency or
--pilot every agency counts. The deck is built even without Chromium: the heatmap's slide then
holds its figures as a table, and the command says which images it left out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from onestop.cli.arguments import UsageError, date_argument, resolve_agencies
from onestop.core import db, i18n
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.meeting import deck, html
from onestop.meeting.content import ReportContent, build_content


def _period(store: Store, args: argparse.Namespace):
    if args.date_from and args.date_to:
        return args.date_from, args.date_to
    pilot = store.query("pilot_definition")
    if pilot.height:
        default_from, default_to = pilot["start_date"][0], pilot["end_date"][0]
    else:
        status = store.query("data_status")
        default_from, default_to = status["first_received_on"][0], status["last_received_on"][0]
    return args.date_from or default_from, args.date_to or default_to


def content_from_args(args: argparse.Namespace) -> ReportContent:
    """The report content a command line asks for."""
    store = Store(db.resolve_db_path(args.db))
    store.connection()
    date_from, date_to = _period(store, args)
    if date_from is None or date_to is None:
        raise UsageError("The database holds no dossiers yet: import data or run `onestop demo`.")
    if date_from > date_to:
        raise UsageError("--from must not be later than --to.")
    agency_ids = resolve_agencies(store, args.agency or [], args.pilot)
    chosen = DossierFilter(date_from, date_to, agency_ids)
    return build_content(store, chosen, args.lang, centre=args.centre)


def _check_suffix(args: argparse.Namespace, suffix: str) -> None:
    if Path(args.out).suffix.lower() != suffix:
        raise UsageError(f"--out {args.out}: give a file name ending in {suffix}.")


def cmd_deck(args: argparse.Namespace) -> int:
    _check_suffix(args, ".pptx")
    result = deck.build_deck(content_from_args(args))
    Path(args.out).write_bytes(result.data)
    print(f"Deck written to {args.out}: {result.slides} slides.", file=sys.stderr)
    if result.images_left_out:
        names = "; ".join(result.images_left_out)
        print(
            f"onestop: {len(result.images_left_out)} image(s) left out (Chromium is needed to "
            f"draw them; their slides hold the figures as a table instead): {names}",
            file=sys.stderr,
        )
    return 0


def cmd_html(args: argparse.Namespace) -> int:
    _check_suffix(args, ".html")
    text = html.build_html(content_from_args(args))
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"Report written to {args.out}.", file=sys.stderr)
    return 0


def add_command(commands: argparse._SubParsersAction, db_help: str) -> None:
    for name, run, help_text, suffix in (
        ("deck", cmd_deck, "the meeting deck (PowerPoint, native charts)", ".pptx"),
        ("html", cmd_html, "the meeting report as one offline HTML file", ".html"),
    ):
        parser = commands.add_parser(name, help=help_text)
        parser.add_argument("--db", help=db_help)
        parser.add_argument(
            "--from", dest="date_from", type=date_argument, help="first day (default: the pilot's)"
        )
        parser.add_argument(
            "--to", dest="date_to", type=date_argument, help="last day (default: the pilot's)"
        )
        parser.add_argument("--agency", action="append", help="name or code; repeatable")
        parser.add_argument(
            "--pilot", action="store_true", help="the pilot's agencies (added to any --agency)"
        )
        parser.add_argument("--lang", choices=list(i18n.LANGUAGES), default=i18n.DEFAULT_LANGUAGE)
        parser.add_argument("--centre", help="the centre's name on the title (default: generic)")
        parser.add_argument("--out", required=True, help=f"the file to write (…{suffix})")
        parser.set_defaults(run=run)
