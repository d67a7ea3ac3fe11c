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
    groups = [
        (group, keras_gans.registry.registry_for(group))
        for group in keras_gans.registry.PLUGIN_GROUPS
    ]
    plugins = [(group, registry.describe(load=args.verbose)) for group, registry in groups]
    width = max((len(info.name) for _, infos in plugins for info in infos), default=0) + 2
    for group, infos in plugins:
        print(f"{group.rsplit('.', 1)[-1]}:")
        for info in infos:
            line = f"  {info.name:<{width}} {info.origin:<20} {info.value}"
            if args.verbose:
                summary = info.summary if info.error is None else f"BROKEN: {info.error}"
                line += f"\n      {summary}"
            print(line)
    return 0
