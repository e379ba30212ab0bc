"""``aicmo packs``, ``aicmo explain`` and ``aicmo stats``: what aicmo knows and what it has done."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date, datetime, time, timezone
from pathlib import Path

from aicmo_core.cli.check import options_here
from aicmo_core.cli.common import EXIT_OK, EXIT_USAGE
from aicmo_core.rules import RULES, find_rule


def command_packs(args: argparse.Namespace) -> int:
    options, problems = options_here(args.benchmarks)
    packs = options.packs
    for problem in problems:
        print(f"aicmo: configuration error: {problem}", file=sys.stderr)
    for key, pack in sorted(packs.packs.items()):
        if args.pack and key != args.pack:
            continue
        print(
            f"{key}  {pack.label} (v{pack.version}, {len(pack.sections)} sections{', strict' if pack.strict else ''})"
        )
        if args.verbose or args.pack:
            for position, section in enumerate(pack.sections, start=1):
                band = f"{section.min_words}-{section.max_words} words, {section.format.value}"
                print(f"  {position:2}. {section.id:30} {section.label}  [{band}]")
    if args.pack and args.pack not in packs.packs:
        print(f"aicmo: unknown pack {args.pack!r}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_USAGE if problems else EXIT_OK


def command_explain(args: argparse.Namespace) -> int:
    rule = find_rule(args.rule)
    if rule is None:
        print(
            f"aicmo: no rule {args.rule!r}; rules: {', '.join(f'{r.code} {r.name}' for r in RULES.values())}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print(f"{rule.code} {rule.name} ({rule.severity.value} by default)\n")
    print(rule.doc)
    return EXIT_OK


def since_date(text: str) -> date:
    """``--since YYYY-MM-DD`` (Python alone would also take ``20250301`` or ``2025-W09``)."""
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is None:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {text!r}") from None


def command_stats(args: argparse.Namespace) -> int:
    # The decision log (sqlite3, its models) only for ``stats``: ``packs`` and ``explain`` need none.
    import sqlite3  # noqa: PLC0415

    from aicmo_core.decisions import DecisionLog, default_path, stats_text  # noqa: PLC0415

    path = Path(args.db) if args.db else default_path()
    if args.db and not path.is_file():
        print(f"aicmo: no decision log at {args.db}", file=sys.stderr)
        return EXIT_USAGE
    since = datetime.combine(args.since, time(), tzinfo=timezone.utc) if args.since else None
    try:
        stats = DecisionLog(path).stats(pack=args.pack, since=since)
    except (sqlite3.Error, OSError) as exc:
        print(f"aicmo: cannot read the decision log {path}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    filters = {"since": args.since.isoformat() if args.since else None, "pack": args.pack}
    if args.format == "json":
        json.dump({"database": str(path), "filters": filters, **stats.as_json()}, sys.stdout, indent=2)
        print()
    elif stats.empty:
        chosen = " ".join(f"--{name} {value}" for name, value in filters.items() if value)
        what = f"nothing recorded matches {chosen}" if chosen else "no generation recorded yet"
        print(f"{what} (decision log: {path})")
    else:
        print(stats_text(stats, {code: rule.name for code, rule in RULES.items()}))
        print(f"\ndecision log: {path}")
    return EXIT_OK


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    packs = commands.add_parser("packs", help="list packs and their sections")
    packs.add_argument("pack", nargs="?", help="show one pack's sections")
    packs.add_argument("--verbose", "-v", action="store_true", help="show every pack's sections")
    packs.add_argument("--benchmarks", action="append", default=[], metavar="DIR")
    packs.set_defaults(handler=command_packs)

    explain = commands.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("rule", metavar="CODE|RULE")
    explain.set_defaults(handler=command_explain)


def add_stats_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = commands.add_parser(
        "stats", help="pass and regeneration rates of generated sections, by generator and model"
    )
    stats.add_argument("--format", choices=("text", "json"), default="text")
    stats.add_argument("--db", metavar="PATH", help="decision log file (default: in the user's data folder)")
    stats.add_argument(
        "--since", type=since_date, metavar="YYYY-MM-DD", help="only what was recorded from that day on (UTC)"
    )
    stats.add_argument("--pack", metavar="KEY", help="only the runs of this pack")
    stats.set_defaults(handler=command_stats)
