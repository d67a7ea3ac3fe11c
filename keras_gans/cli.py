"""The `keras-gans` command.

`keras-gans list` prints every installed architecture, loss and penalty with the
distribution that provides it. Training, sampling, export and evaluation subcommands arrive
with their own issues.
"""

from __future__ import annotations

import argparse
import sys

_GROUPS = ("architectures", "losses", "penalties")


def _list(args) -> int:
    import keras_gans

    for group in _GROUPS:
        registry = getattr(keras_gans, group).registry
        print(f"{group}:")
        for info in registry.describe(load=args.verbose):
            line = f"  {info.name:<18} {info.origin:<24} {info.value}"
            if args.verbose:
                line += (
                    f"\n      {info.summary}"
                    if info.error is None
                    else f"\n      BROKEN: {info.error}"
                )
            print(line)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keras-gans", description="Generative adversarial networks for Keras 3."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = commands.add_parser("list", help="list installed plugins and their distributions")
    listing.add_argument(
        "--verbose", action="store_true", help="import each plugin; report summaries and failures"
    )
    listing.set_defaults(run=_list)
    return parser


def main(argv=None) -> int:
    """Runs the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
