"""Loads a Python file as a fresh module: scripts under `benchmarks/`, docs hooks, shims."""

import importlib.util
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_file(path, name):
    """The module of the file at `path`, executed fresh under `name` (not cached in
    `sys.modules`, so nothing loaded before is reused)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(name):
    """The module of `benchmarks/NAME.py`, executed fresh (its `main` does not run)."""
    return load_file(BENCHMARKS / f"{name}.py", name)
