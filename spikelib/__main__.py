"""Command-line entry point: ``python -m spikelib check [--trials N] [--seed S]``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m spikelib",
        description="Check the exact conversions between multi- and single-spike networks.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check",
        help="convert random networks in both directions and compare them with their originals",
        description=(
            "Build random networks (both reset kinds, one and two hidden layers, leaks, "
            "delays, spike and current inputs) and convert them in both directions: "
            "multi-spike networks with random budgets to single-spike neurons (threshold "
            "ladder), and single-spike networks to multi-spike neurons (Moebius "
            "cancellation, with a budget that meets the exactness condition on the drawn "
            "inputs). Compares spike steps and outputs. Each trial checks one case per "
            "direction and passes when both are exact. Prints one line per failing trial "
            "and a closing line 'N passed, N failed' that counts trials; exits with status "
            "1 on any failure."
        ),
    )
    check.add_argument(
        "--trials",
        type=int,
        default=200,
        help="number of trials, each one random network per direction (default 200)",
    )
    check.add_argument("--seed", type=int, default=0, help="seed of the random generator (default 0)")
    args = parser.parse_args(argv)

    if args.trials < 1:
        parser.error(f"--trials must be >= 1, got {args.trials}")
    if args.seed < 0:
        parser.error(f"--seed must be >= 0 (numpy seeds are non-negative), got {args.seed}")

    from .check import run_checks

    passed, failures = run_checks(args.trials, args.seed)
    for line in failures:
        print(line)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
