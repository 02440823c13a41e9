"""`onestop evaluate`: did the pilot agencies change more than the others over the same months?

Prints the difference-in-differences of every measure with its 95% interval, as JSON (the
contract of README "onestop evaluate") or as a table with the plain readings.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from onestop.cli.arguments import UsageError, date_argument, number_in
from onestop.core import db, i18n
from onestop.core.db import Store
from onestop.evaluation import bootstrap, compare, output, readings
from onestop.evaluation.compare import PeriodError


def cmd_evaluate(args: argparse.Namespace) -> int:
    store = Store(db.resolve_db_path(args.db))
    try:
        pilot = compare.load_pilot(store)
        if pilot is None:
            raise UsageError(
                "this database defines no pilot; define one with "
                "`onestop pilot set --agency NAME_OR_CODE … --from YYYY-MM-DD`."
            )
        try:
            evaluation = compare.evaluate(
                store, pilot, args.before_from, args.before_to, draws=args.draws
            )
        except PeriodError as error:
            raise UsageError(readings.period_error(error, "en")) from None
    finally:
        store.close()
    if args.format == "json":
        text = output.to_json(evaluation)
        # What the data lack goes to stderr too, so a script sees why the measures are empty.
        for sentence in readings.missing_sentences(evaluation, "en"):
            print(f"onestop: {sentence}", file=sys.stderr)
    else:
        text = output.to_table(evaluation, args.lang)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"Evaluation written to {args.out}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def add_command(commands: argparse._SubParsersAction, db_help: str) -> None:
    """Register `onestop evaluate`."""
    parser = commands.add_parser(
        "evaluate",
        help="did the pilot help? each measure before and during, against the other agencies",
        description=(
            "Difference-in-differences of the pilot agencies against the other agencies, "
            "before the pilot and during it, with 95% intervals (wild cluster restricted "
            "bootstrap over agencies). The period before defaults to the same length just "
            "before the pilot starts."
        ),
    )
    parser.add_argument("--db", help=db_help)
    parser.add_argument("--before-from", type=date_argument, help="first day of the period before")
    parser.add_argument("--before-to", type=date_argument, help="last day of the period before")
    parser.add_argument("--format", choices=["json", "table"], default="table")
    parser.add_argument(
        "--lang", choices=list(i18n.LANGUAGES), default=i18n.DEFAULT_LANGUAGE, help="table text"
    )
    parser.add_argument(
        "--draws",
        type=number_in(99, 99_999, whole=True),
        default=bootstrap.DRAWS,
        help=f"bootstrap draws (default {bootstrap.DRAWS:,})",
    )
    parser.add_argument("--out", help="write to this file instead of stdout")
    parser.set_defaults(run=cmd_evaluate)
