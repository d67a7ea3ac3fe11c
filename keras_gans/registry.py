"""Entry-point plugin registry shared by every plugin kind.

Each plugin kind (architectures, losses, penalties, ...) is one `Registry` over one
`importlib.metadata` entry-point group. Built-in plugins are declared in keras-gans's own
`pyproject.toml` exactly as a third-party distribution declares its own, so there is one
discovery path (read from that `pyproject.toml` in a plain checkout: `keras_gans._entry_points`).
The kinds are entry points too: `keras_gans.registries` maps each group to its `Registry`.

Discovery is lazy and cached: `names()` and `describe()` read installed distributions'
metadata and import no plugin code; `get()` imports only the plugin asked for. A plugin whose
import fails is reported with a warning naming it and its distribution and the rest of the
registry keeps working. When two distributions claim one name, a warning names every claimant
and the winner is chosen deterministically (keras-gans's own entry first, then by
distribution name).

This module imports nothing heavy (no TensorFlow, no Keras).
"""

from __future__ import annotations

import dataclasses
import importlib
import threading
import warnings
from collections.abc import Callable
from typing import Any

from keras_gans._entry_points import (
    CORE_DISTRIBUTION,
    REGISTRIES_GROUP,
    declared,
    plugin_groups,
    plugin_modules,
    plugin_packages,
    preference,
    registry_key,
    source_tree_project,
)
from keras_gans.checks import known_keywords

__all__ = [
    "PluginInfo",
    "PluginWarning",
    "Registry",
    "UnknownPluginError",
    "normalize_name",
    "plugin_groups",
    "plugin_packages",
    "registry_for",
]


class PluginWarning(UserWarning):
    """Warned when a plugin is broken or when two plugins claim one name."""


class UnknownPluginError(ValueError):
    """Raised when a name is not registered in a plugin group."""


def normalize_name(name: str) -> str:
    """Returns the registry key for `name`: lowercase kebab-case.

    Example:
    >>> normalize_name("WGAN_GP")
    'wgan-gp'
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"A plugin name must be a non-empty string. Received: name={name!r}")
    return registry_key(name)


@dataclasses.dataclass(frozen=True)
class PluginInfo:
    """What the registry knows about one plugin without importing it.

    Attributes:
        name: The normalised registry key, e.g. `"wgan-gp"`.
        group: The entry-point group, e.g. `"keras_gans.losses"`.
        value: The object reference, `"package.module:attribute"`, or `"<in-process>"`.
        distribution: The distribution that declares it (`"keras-gans"` for built-ins), or
            `None` for objects registered in-process with `Registry.register`.
        version: That distribution's version, or `None`.
        summary: The first docstring line; filled only by `describe(load=True)`.
        error: The import error, when `describe(load=True)` could not import it.
    """

    name: str
    group: str
    value: str
    distribution: str | None = None
    version: str | None = None
    summary: str | None = None
    error: str | None = None

    @property
    def origin(self) -> str:
        """`"<distribution> <version>"`, or `"in-process"`."""
        if self.distribution is None:
            return "in-process"
        return f"{self.distribution} {self.version or ''}".strip()


@dataclasses.dataclass
class _Candidate:
    info: PluginInfo
    load: Callable[[], Any]


class Registry:
    """Discovers, describes and instantiates the plugins of one entry-point group.

    Args:
        group: The entry-point group, e.g. `"keras_gans.losses"`.
        kind: A human word for error messages, e.g. `"loss"`.
        base_class: Optional class that every loaded plugin must produce an instance of.

    Example:
    >>> registry = Registry("keras_gans.example", kind="example")
    >>> registry.register("double", lambda value=1: 2 * value)
    >>> registry.names()
    ['double']
    >>> registry.get("Double", value=21)
    42
    """

    def __init__(self, group: str, kind: str, base_class: type | None = None):
        self.group = group
        self.kind = kind
        self.base_class = base_class
        self._lock = threading.RLock()
        self._discovered: dict[str, _Candidate] | None = None
        self._in_process: dict[str, _Candidate] = {}
        self._loaded: dict[str, Any] = {}

    # ------------------------------------------------------------------ discovery
    def _discover(self) -> dict[str, _Candidate]:
        with self._lock:
            if self._discovered is not None:
                return self._discovered
            claims: dict[str, dict[tuple, _Candidate]] = {}
            for entry in declared(self.group):
                entry_point, dist_name = entry.entry_point, entry.distribution
                try:
                    key = normalize_name(entry_point.name)
                except ValueError:
                    warnings.warn(
                        f"Ignoring a {self.kind} plugin with an empty name in group "
                        f"'{self.group}' (distribution {dist_name}).",
                        PluginWarning,
                        stacklevel=3,
                    )
                    continue
                info = PluginInfo(key, self.group, entry_point.value, dist_name, entry.version)
                # The same distribution can be seen twice (e.g. a stale editable install):
                # identical claims are one claim.
                claims.setdefault(key, {})[(dist_name, entry_point.value)] = _Candidate(
                    info, entry_point.load
                )
            discovered = {}
            for key, by_origin in claims.items():
                candidates = sorted(  # keras-gans's own entry first (`preference`)
                    by_origin.values(), key=lambda c: preference(c.info.distribution, c.info.value)
                )
                if len(candidates) > 1:
                    claimants = ", ".join(f"{c.info.value} ({c.info.origin})" for c in candidates)
                    warnings.warn(
                        f"Several installed distributions register the {self.kind} "
                        f"'{key}' in group '{self.group}': {claimants}. Using "
                        f"{candidates[0].info.value} ({candidates[0].info.origin}).",
                        PluginWarning,
                        stacklevel=3,
                    )
                discovered[key] = candidates[0]
            self._discovered = discovered
            return discovered

    def _candidates(self) -> dict[str, _Candidate]:
        merged = dict(self._discover())
        merged.update(self._in_process)
        return merged

    # ------------------------------------------------------------------ public API
    def names(self) -> list[str]:
        """Returns the sorted registry keys, reading metadata only (no plugin is imported)."""
        return sorted(self._candidates())

    def describe(self, name: str | None = None, *, load: bool = False):
        """Describes one plugin, or all of them.

        Args:
            name: A registry key, or `None` (default) for every plugin.
            load: Whether to import the plugins to read their docstring summary (default
                `False`). A plugin that fails to import is described with its `error` and a
                `PluginWarning`, never an exception.

        Returns:
            A `PluginInfo`, or a list of them sorted by name when `name` is `None`.
        """
        if name is not None:
            return self._describe_one(self._lookup(name), load)
        return [self._describe_one(key, load) for key in self.names()]

    def _describe_one(self, key: str, load: bool) -> PluginInfo:
        info = self._candidates()[key].info
        if not load:
            return info
        try:
            obj = self.load(key)
        except Exception as error:  # noqa: BLE001 - reported, never raised, by design
            return dataclasses.replace(info, error=f"{type(error).__name__}: {error}")
        doc = (getattr(obj, "__doc__", None) or "").strip().splitlines()
        return dataclasses.replace(info, summary=doc[0] if doc else "")

    def load(self, name: str):
        """Imports and returns the class or factory registered as `name` (cached)."""
        key = self._lookup(name)
        with self._lock:
            if key in self._loaded:
                return self._loaded[key]
            candidate = self._candidates()[key]
            try:
                obj = candidate.load()
            except Exception as error:
                message = (
                    f"The {self.kind} plugin '{key}' ({candidate.info.value}, from "
                    f"{candidate.info.origin}) failed to import: "
                    f"{type(error).__name__}: {error}"
                )
                warnings.warn(message, PluginWarning, stacklevel=2)
                raise ImportError(message) from error
            self._loaded[key] = obj
            return obj

    def get(self, name: str, **kwargs):
        """Instantiates the plugin registered as `name` with `kwargs`.

        Args:
            name: The registry key; case, `_` and `-` are normalised.
            **kwargs: Passed to the plugin's class or factory.

        Returns:
            The plugin instance.

        Raises:
            UnknownPluginError: `name` is not installed; the message lists what is.
            ImportError: the plugin's module failed to import.
        """
        factory = self.load(name)
        instance = factory(**known_keywords(factory, kwargs, f"the {self.kind} '{name}'"))
        if self.base_class is not None and not isinstance(instance, self.base_class):
            raise TypeError(
                f"The {self.kind} plugin '{normalize_name(name)}' must produce a "
                f"{self.base_class.__name__}. Received: {type(instance).__name__}"
            )
        return instance

    def register(self, name: str, obj: Any, *, override: bool = False) -> None:
        """Registers `obj` (a class or factory) under `name` for this process only.

        Meant for tests and notebooks; distributions should declare entry points instead.

        Args:
            name: The registry key.
            obj: A class or a callable returning an instance.
            override: Whether to replace an existing plugin of that name (default `False`).
        """
        key = normalize_name(name)
        if not callable(obj):
            raise TypeError(
                f"`obj` must be a class or a callable. Received: obj={obj!r} for name={name!r}"
            )
        if key in self._candidates() and not override:
            raise ValueError(
                f"A {self.kind} named '{key}' is already registered "
                f"({self._candidates()[key].info.value}). Pass override=True to replace it."
            )
        value = f"{getattr(obj, '__module__', '?')}:{getattr(obj, '__qualname__', repr(obj))}"
        info = PluginInfo(key, self.group, value)
        with self._lock:
            self._in_process[key] = _Candidate(info, lambda: obj)
            self._loaded.pop(key, None)

    def unregister(self, name: str) -> None:
        """Removes an in-process registration made with `register`."""
        key = normalize_name(name)
        with self._lock:
            if key not in self._in_process:
                raise ValueError(
                    f"No in-process {self.kind} named '{key}'. In-process names: "
                    f"{sorted(self._in_process)}"
                )
            del self._in_process[key]
            self._loaded.pop(key, None)

    def refresh(self) -> None:
        """Forgets cached discoveries so newly installed distributions are seen."""
        with self._lock:
            self._discovered = None
            self._loaded.clear()
        source_tree_project.cache_clear()
        importlib.invalidate_caches()

    def __contains__(self, name: str) -> bool:
        try:
            return normalize_name(name) in self._candidates()
        except ValueError:
            return False

    def _lookup(self, name: str) -> str:
        if not isinstance(name, str):
            raise TypeError(
                f"`name` must be a string naming a {self.kind}. Received: name={name!r}"
            )
        key = normalize_name(name)
        if key not in self._candidates():
            installed = ", ".join(self.names()) or "none"
            raise UnknownPluginError(
                f"Unknown {self.kind} '{name}'. Installed {self.kind} plugins "
                f"(entry-point group '{self.group}'): {installed}."
            )
        return key

    def __repr__(self) -> str:
        return f"Registry(group={self.group!r}, kind={self.kind!r})"


def registry_for(group: str) -> Registry:
    """The `Registry` of one entry-point group (imports the module that owns it).

    Args:
        group: An entry-point group, one of `plugin_groups()`.

    Returns:
        The `Registry` that the group's `keras_gans.registries` entry point names.

    Raises:
        ValueError: `group` is not a plugin kind; the message lists them.
        ImportError: the module that owns the registry is not installed (e.g. the
            exporters without `keras-gans-export`).

    Example:
    >>> registry_for("keras_gans.losses").kind
    'loss'
    """
    claims = [entry for entry in declared(REGISTRIES_GROUP) if entry.entry_point.name == group]
    if not claims:
        raise ValueError(f"`group` must be one of {plugin_groups()}. Received: group={group!r}")
    claims.sort(key=lambda e: (e.distribution != CORE_DISTRIBUTION, e.entry_point.value))
    registry = claims[0].entry_point.load()
    if not isinstance(registry, Registry) or registry.group != group:
        raise TypeError(
            f"The `{REGISTRIES_GROUP}` entry point {group!r} must name the Registry of that "
            f"group. Received: {claims[0].entry_point.value} = {registry!r}"
        )
    return registry


def import_plugins_named_in(config, groups=None) -> None:
    """Imports the plugin modules that a Keras serialisation config needs, and no other.

    `keras.saving` finds a custom class only when its module was imported. A module the file
    names is never imported as such: for a package the file names that declares keras-gans
    entry points, the modules those entry points name are imported (the registered plugins,
    which import the classes they save); any other module, even one inside that package, is
    not, so a crafted file runs no code of its choosing and `safe_mode` keeps its meaning.

    Args:
        config: A (nested) dict or list as produced by `keras.saving.serialize_keras_object`.
        groups: Entry-point groups to consider (default `None`: every `plugin_groups()`).
    """
    named = set()

    def walk(node):
        if isinstance(node, dict):
            module = node.get("module")
            if isinstance(module, str) and "registered_name" in node:
                named.add(module.split(".")[0])
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)

    walk(config)
    declared_modules = plugin_modules(groups)
    for package in sorted(named - {"keras", "keras_gans"}):
        for module in sorted(declared_modules.get(package, ())):
            try:
                importlib.import_module(module)
            except Exception as error:  # noqa: BLE001 - the load itself will report it
                warnings.warn(
                    f"Could not import plugin module '{module}' needed by a saved model: "
                    f"{type(error).__name__}: {error}",
                    PluginWarning,
                    stacklevel=2,
                )
