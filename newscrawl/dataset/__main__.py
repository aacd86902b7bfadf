"""``python -m newscrawl.dataset build|verify|stats`` (docs/datasets.md)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

logger = logging.getLogger("newscrawl.dataset")

#: exit status of a build that published the dataset but had to leave some input lines out
EXIT_REJECTED = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newscrawl.dataset", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build or update a dataset from run files")
    build.add_argument("runs", type=Path, help="directory of run files, e.g. output/")
    build.add_argument("dataset", type=Path, help="dataset directory (created, or updated in place)")
    build.add_argument("--full", action="store_true", help="ignore the previous build: read every run file")
    build.add_argument(
        "--no-near-duplicates", action="store_true", help="skip MinHash near-duplicate removal"
    )
    build.add_argument("--no-language-check", action="store_true", help="skip the language check")
    build.add_argument(
        "--drop-language-mismatch",
        action="store_true",
        help="move rows whose language check fails to removed/",
    )
    build.add_argument(
        "--rights", help="the card's rights statement (default: the publishers keep all rights)"
    )
    build.add_argument("--memory-limit", default="400MB", help="DuckDB memory before spilling to disk")
    build.add_argument("--threads", type=int, default=2)
    build.add_argument("--rows-per-file", type=int, default=250_000)
    for name in ("verify", "stats"):
        sub = commands.add_parser(name, help=f"{name} a built dataset")
        sub.add_argument("dataset", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")

    try:
        from newscrawl.dataset.build import BuildError, Options
        from newscrawl.dataset.build import build as run_build
        from newscrawl.dataset.verify import stats, verify
    except ImportError as exc:
        logger.error("newscrawl.dataset needs the dataset extra (pip install 'newscrawl[dataset]'): %s", exc)
        return 1
    try:
        if args.command == "build":
            options = Options(
                near_duplicates=not args.no_near_duplicates,
                language_check=not args.no_language_check,
                drop_language_mismatch=args.drop_language_mismatch,
                memory_limit=args.memory_limit,
                threads=args.threads,
                rows_per_file=args.rows_per_file,
                full=args.full,
            )
            if args.rights:
                options.rights = args.rights
            result = run_build(args.runs, args.dataset, options)
            if result.unchanged:
                return 0
            totals = {
                k: sum(p["rows"] for n, p in result.manifest["partitions"].items() if n.startswith(k + "/"))
                for k in ("data", "versions", "removed")
            }
            logger.info(
                "%s: %d lines read; %d articles, %d versions, %d removed; %d files written, %d kept",
                args.dataset,
                result.rows_read,
                totals["data"],
                totals["versions"],
                totals["removed"],
                len(result.written),
                len(result.linked),
            )
            logger.info("stages (s): %s", ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items()))
            if result.rejected:
                logger.error(
                    "%d input line(s) rejected (see the warnings above); the others were built",
                    result.rejected,
                )
                return EXIT_REJECTED
            return 0
        if args.command == "verify":
            problems = verify(args.dataset)
            for problem in problems:
                logger.error("%s", problem)
            if problems:
                return 1
            logger.info("%s: every file matches the manifest", args.dataset)
            return 0
        json.dump(stats(args.dataset), sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    except BuildError as exc:
        logger.error("%s", exc)
        return 1


if __name__ == "__main__":
    sys.exit(main())
