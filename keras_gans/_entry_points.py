"""Where the registry reads entry points: installed metadata, or a plain checkout's pyproject.

Installed distributions (keras-gans itself, keras-gans-export, plugins) declare their entry
points in their metadata. In a plain checkout, with the dependencies installed but not
keras-gans, there is no keras-gans metadata: the core's own entry points are then read from
the repository's `pyproject.toml` beside the package, so that file stays the one source of
truth for the built-ins either way.

This module imports nothing heavy (no TensorFlow, no Keras).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.metadata
import re
from pathlib import Path

__all__ = [
    "CORE_DISTRIBUTION",
    "REGISTRIES_GROUP",
    "Declared",
    "declared",
    "parse_toml",
    "plugin_groups",
    "plugin_modules",
    "plugin_packages",
    "preference",
    "registry_key",
    "source_tree_project",
]

CORE_DISTRIBUTION = "keras-gans"
#: The entry-point group that declares the plugin kinds: group name -> `module:registry`.
REGISTRIES_GROUP = "keras_gans.registries"
#: The checkout's pyproject.toml: beside the `keras_gans` package folder.
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


@dataclasses.dataclass(frozen=True)
class Declared:
    """One entry point and the distribution that declares it.

    Attributes:
        entry_point: The `importlib.metadata.EntryPoint` (`name`, `value`, `group`).
        distribution: The declaring distribution's name, or `None` if unknown.
        version: That distribution's version, or `None`.
    """

    entry_point: importlib.metadata.EntryPoint
    distribution: str | None = None
    version: str | None = None


def _distribution_of(entry_point, seen=None) -> tuple[str | None, str | None]:
    """`(name, version)` of the distribution declaring `entry_point`; `seen` memoises them by
    the distribution's metadata folder (parsing METADATA is the slow part of discovery)."""
    dist = getattr(entry_point, "dist", None)
    if dist is None:
        return None, None
    key = str(getattr(dist, "_path", id(dist)))
    if seen is not None and key in seen:
        return seen[key]
    metadata = dist.metadata
    found = (metadata["Name"], metadata["Version"]) if metadata else (None, None)
    if seen is not None:
        seen[key] = found
    return found


def registry_key(name: str) -> str:
    """The registry key of an entry-point name: stripped, lowercase, kebab-case.

    The one normalisation rule, shared by `keras_gans.registry.normalize_name` (which also
    checks its argument) and the command line's metadata-only name checks.

    Example:
    >>> registry_key(" WGAN_GP ")
    'wgan-gp'
    """
    return name.strip().lower().replace("_", "-").replace(" ", "-")


def preference(distribution: str | None, value: str) -> tuple:
    """Sort key among claims of one name: keras-gans's own entry first, then by distribution
    name and object reference (deterministic whatever the installation order).

    Example:
    >>> sorted([("zoo", "z:A"), ("keras_gans", "k:B")], key=lambda c: preference(*c))[0]
    ('keras_gans', 'k:B')
    """
    dist = (distribution or "").lower().replace("_", "-")
    return (dist != CORE_DISTRIBUTION, dist, value)


def declared(group: str) -> list[Declared]:
    """Returns every entry point of `group`: installed ones, then the checkout's built-ins.

    Args:
        group: An entry-point group, e.g. `"keras_gans.losses"`.

    Returns:
        A list of `Declared`, in metadata order; the checkout's own entry points come last
        and only when keras-gans is not installed.

    Example:
    >>> "hinge" in {d.entry_point.name for d in declared("keras_gans.losses")}
    True
    """
    seen = {}
    found = [
        Declared(entry_point, *_distribution_of(entry_point, seen))
        for entry_point in importlib.metadata.entry_points(group=group)
    ]
    project = source_tree_project()
    if project is not None:
        name, version, groups = project
        for key, value in groups.get(group, {}).items():
            entry_point = importlib.metadata.EntryPoint(name=key, value=value, group=group)
            found.append(Declared(entry_point, name, version))
    return found


def plugin_groups() -> list[str]:
    """The entry-point groups of every plugin kind, sorted (reads metadata only).

    Each is declared in the `keras_gans.registries` group, by keras-gans for its own kinds
    and in the same way by any distribution that adds one.

    Example:
    >>> {"keras_gans.architectures", "keras_gans.losses"} <= set(plugin_groups())
    True
    """
    return sorted({entry.entry_point.name for entry in declared(REGISTRIES_GROUP)})


def plugin_packages(groups=None) -> set[str]:
    """Top-level packages that declare entry points in keras-gans groups (metadata only).

    Args:
        groups: The entry-point groups to read (default `None`: every `plugin_groups()`).
    """
    packages = set()
    for group in plugin_groups() if groups is None else groups:
        for entry in declared(group):
            packages.add(entry.entry_point.value.split(":")[0].strip().split(".")[0])
    return packages


def plugin_modules(groups=None) -> dict[str, set[str]]:
    """The modules that keras-gans entry points name, by top-level package (metadata only).

    Args:
        groups: The entry-point groups to read (default `None`: every `plugin_groups()`).

    Returns:
        `{package: {module, ...}}`, e.g. `{"keras_gans_style": {"keras_gans_style.progan"}}`.
    """
    modules = {}
    for group in plugin_groups() if groups is None else groups:
        for entry in declared(group):
            module = entry.entry_point.value.split(":")[0].strip()
            modules.setdefault(module.split(".")[0], set()).add(module)
    return modules


@functools.lru_cache(maxsize=1)
def source_tree_project() -> tuple[str, str | None, dict] | None:
    """The checkout's `(name, version, entry points)` when keras-gans is not installed.

    Cached; `keras_gans.registry.Registry.refresh` clears the cache.

    Returns:
        `None` when the keras-gans distribution is installed (its metadata is used) or when
        there is no keras-gans `pyproject.toml` beside the package; otherwise the project's
        name, version and `{group: {name: "module:attribute"}}`.
    """
    try:
        importlib.metadata.distribution(CORE_DISTRIBUTION)
        return None
    except importlib.metadata.PackageNotFoundError:
        pass
    if not PYPROJECT.is_file():
        return None
    project = parse_toml(PYPROJECT.read_text(encoding="utf-8")).get("project", {})
    if project.get("name") != CORE_DISTRIBUTION:
        return None
    return project["name"], project.get("version"), project.get("entry-points", {})


def parse_toml(text: str) -> dict:
    """Parses TOML with `tomllib` (Python >= 3.11), else `tomli`, else `_parse_minimal`.

    Args:
        text: The TOML document.

    Returns:
        The parsed tables as nested dicts.

    Example:
    >>> parse_toml('[project]\\nname = "keras-gans"\\n')["project"]["name"]
    'keras-gans'
    """
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            return _parse_minimal(text)
    return tomllib.loads(text)


_HEADER = re.compile(r"^\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_PAIR = re.compile(r'^("[^"]*"|[A-Za-z0-9_.-]+)\s*=\s*"([^"]*)"\s*(#.*)?$')
_KEY_PART = re.compile(r'"([^"]*)"|([^."\s]+)')


def _parse_minimal(text: str) -> dict:
    """Reads the tables and `key = "string"` pairs of a pyproject, which is all we need.

    Arrays, numbers and inline tables are skipped; enough for `[project]`'s name and version
    and the `[project.entry-points."<group>"]` tables.

    Example:
    >>> _parse_minimal('[a."b.c"]\\nx-y = "m:C"  # note\\nz = [1]\\n')
    {'a': {'b.c': {'x-y': 'm:C'}}}
    """
    data: dict = {}
    table: dict | None = None
    for line in text.splitlines():
        line = line.strip()
        header = _HEADER.match(line)
        if header:
            table = data
            for quoted, bare in _KEY_PART.findall(header.group(1)):
                table = table.setdefault(quoted or bare, {})
        elif line.startswith("[["):
            table = None  # arrays of tables: not needed
        else:
            pair = _PAIR.match(line)
            if pair and table is not None:
                table[pair.group(1).strip('"')] = pair.group(2)
    return data
