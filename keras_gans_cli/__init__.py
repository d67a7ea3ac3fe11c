"""The `keras-gans` command: `list`, `train`, `sample`, `translate`, `export` and `evaluate`.

The command is its own top-level package, not `keras_gans.cli`: `import keras_gans` must
import TensorFlow (to register every serialisable class with Keras), and the command must
print `--help` and reject bad flags without that ~4 s import and TensorFlow's stderr lines.

Every subcommand lives in its own module exposing `HELP`, `add_arguments(parser)` and
`run(args) -> int`. Parsing imports no TensorFlow, so bad flags fail fast with one clean
line; `list` and the checks of plugin names (`--arch`, `--loss`, `--eval-extractor`,
`--extractor`, `--format`) read entry-point metadata only (`keras_gans_cli._plugins`);
TensorFlow is imported (quietly, unless `--debug`) only once the arguments are valid.
Errors from the library become one line on stderr and exit status 1; `--debug` shows the
traceback instead. Ctrl-C is "interrupted" and status 130, wherever it lands.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from keras_gans_cli._common import CommandError, one_line

__all__ = ["COMMANDS", "CommandError", "build_parser", "main"]

#: Subcommand name -> module implementing it.
COMMANDS = {
    "list": "keras_gans_cli.listing",
    "train": "keras_gans_cli.train",
    "sample": "keras_gans_cli.sample",
    "translate": "keras_gans_cli.translate",
    "export": "keras_gans_cli.export",
    "evaluate": "keras_gans_cli.evaluate",
}


def _available_commands():
    for name, module_name in COMMANDS.items():
        try:
            yield name, importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise


class _Parser(argparse.ArgumentParser):
    """Reports a bad flag as one line (plus a pointer to --help) instead of the usage text."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _DefaultsFormatter(argparse.HelpFormatter):
    """Appends "(default: X)" to a flag's help only when there is a default to show: not for
    `None` (the flag is optional, its help says what happens without it), not for on/off
    switches, and not when the help already says it (`%(default)s` or a `[...]` note)."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if (
            "%(default)" in text
            or text.rstrip().endswith("]")
            or default in (None, argparse.SUPPRESS)
            or action.nargs == 0  # store_true, store_false, store_const, count
            or not action.option_strings
        ):
            return text
        return f"{text} (default: %(default)s)" if text else "(default: %(default)s)"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every available subcommand (imports no TensorFlow)."""
    parser = _Parser(prog="keras-gans", description="Generative adversarial networks for Keras 3.")
    common = _Parser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", help="show full tracebacks and TensorFlow's log lines"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in _available_commands():
        sub = commands.add_parser(
            name,
            help=module.HELP,
            description=module.__doc__.strip().splitlines()[0],
            parents=[common],
            formatter_class=_DefaultsFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv=None) -> int:
    """Runs the command line; returns the exit status (0 success, 1 error, 2 bad flags)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except (KeyboardInterrupt, Exception) as error:  # noqa: BLE001 - the one place errors become lines
        if _caused_by_interrupt(error):
            print(f"keras-gans {args.command}: interrupted", file=sys.stderr)
            return 130
        if args.debug:
            raise
        if isinstance(error, CommandError):
            message = one_line(str(error))
        else:
            message = f"{type(error).__name__}: {one_line(str(error))} (--debug: traceback)"
        print(f"keras-gans {args.command}: error: {message}", file=sys.stderr)
        return 1


def _caused_by_interrupt(error: BaseException) -> bool:
    """Whether `error` is a `KeyboardInterrupt` or has one among its causes and contexts.

    Ctrl-C during the import of a compiled extension does not reach `main` as itself: a
    pybind11 module (TensorFlow's) re-raises whatever its initialisation raised as
    `ImportError("initialization failed")` from it. Such an error is the user's interrupt, not
    a failure of the command; so is one raised while an interrupt was being handled, whatever
    it names as its cause.
    """
    pending, seen = [error], set()
    while pending:
        error = pending.pop()
        if error is None or id(error) in seen:
            continue
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        pending += [error.__cause__, error.__context__]
    return False
