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
    plugins = []
    for group in keras_gans.registry.plugin_groups():
        try:
            registry = keras_gans.registry.registry_for(group)
        except ImportError as error:  # e.g. the exporters without keras-gans-export
            plugins.append((group, [], f"  (not available: {error})"))
            continue
        plugins.append((group, registry.describe(load=args.verbose), None))
    width = max((len(info.name) for _, infos, _ in plugins for info in infos), default=0) + 2
    origin = max((len(info.origin) for _, infos, _ in plugins for info in infos), default=0) + 1
    for group, infos, unavailable in plugins:
        print(f"{group.rsplit('.', 1)[-1]}:")
        if unavailable:
            print(unavailable)
        for info in infos:
            line = f"  {info.name:<{width}} {info.origin:<{origin}} {info.value}"
            if args.verbose:
                summary = info.summary if info.error is None else f"BROKEN: {info.error}"
                line += f"\n      {summary}"
            print(line)
    return 0
