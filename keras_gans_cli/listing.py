"""List every installed plugin (architectures, losses, penalties, ...) and its distribution.

Names come from entry-point metadata: neither the plugins nor TensorFlow are imported, so the
list prints in a fraction of a second. `--verbose` imports each plugin to print its summary,
which also reports plugins that fail to import.
"""

from __future__ import annotations

HELP = "list installed plugins and the distributions providing them"


def add_arguments(parser):
    parser.add_argument(
        "--verbose", action="store_true", help="import each plugin; report summaries and failures"
    )


def _described(group, debug):
    """`(plugins, unavailable)`; imports keras_gans and the plugins (`--verbose`)."""
    from keras_gans_cli._common import import_keras_gans

    keras_gans = import_keras_gans(debug)
    try:
        registry = keras_gans.registry.registry_for(group)
    except ImportError as error:  # e.g. the exporters without keras-gans-export
        return [], f"  (not available: {error})"
    return registry.describe(load=True), None


def run(args) -> int:
    from keras_gans_cli import _plugins

    plugins = []
    for group in _plugins.groups():
        if args.verbose:
            plugins.append((group, *_described(group, args.debug)))
        else:
            found = _plugins.installed(group)
            plugins.append((group, found, None if found else "  (none installed)"))
    width = max((len(info.name) for _, infos, _ in plugins for info in infos), default=0) + 2
    origin = max((len(info.origin) for _, infos, _ in plugins for info in infos), default=0) + 1
    for group, infos, unavailable in plugins:
        print(f"{group.rsplit('.', 1)[-1]}:")
        if unavailable:
            print(unavailable)
        for info in infos:
            line = f"  {info.name:<{width}} {info.origin:<{origin}} {info.value}"
            for other in getattr(info, "also", ()):
                line += f"\n      (also claimed by {other}; ignored: the registry uses the above)"
            if args.verbose:
                summary = info.summary if info.error is None else f"BROKEN: {info.error}"
                line += f"\n      {summary}"
            print(line)
    return 0
