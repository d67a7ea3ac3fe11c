"""List every installed plugin (architectures, losses, penalties, ...) and its distribution.

Names come from entry-point metadata; nothing is imported unless `--verbose` asks for each
plugin's summary, which also reports plugins that fail to import.
"""

from __future__ import annotations

HELP = "list installed plugins and the distributions providing them"


def add_arguments(parser):
    parser.add_argument(
        "--verbose", action="store_true", help="import each plugin; report summaries and failures"
    )


def run(args) -> int:
    from keras_gans_cli._common import import_keras_gans

    keras_gans = import_keras_gans(args.debug)
    for group in keras_gans.registry.PLUGIN_GROUPS:
        kind = group.rsplit(".", 1)[-1]
        try:
            registry = keras_gans.registry.registry_for(group)
        except (ImportError, AttributeError):  # a group whose module is not installed yet
            continue
        print(f"{kind}:")
        for info in registry.describe(load=args.verbose):
            line = f"  {info.name:<22} {info.origin:<28} {info.value}"
            if args.verbose:
                summary = info.summary if info.error is None else f"BROKEN: {info.error}"
                line += f"\n      {summary}"
            print(line)
    return 0
