"""Checks of `keras-gans train`'s run folder and plugin names, made before TensorFlow loads."""

from __future__ import annotations

import os
from pathlib import Path

from keras_gans_cli._common import CommandError

__all__ = ["check_plugin_names", "check_run_dir"]


def check_plugin_names(config):
    """Unknown `--arch`, `--loss` or `--eval-extractor` names, from entry-point metadata
    (before TensorFlow is imported), with the installed names listed."""
    from keras_gans_cli._plugins import check_name

    check_name("--arch", config["arch"], "keras_gans.architectures")
    if config["loss"] is not None:
        check_name("--loss", config["loss"], "keras_gans.losses")
    if config["eval_extractor"] is not None:
        check_name("--eval-extractor", config["eval_extractor"], "keras_gans.feature_extractors")


def check_run_dir(text, restart=False):
    """Refuses a `--run-dir` that cannot become a new run's folder, before anything is
    written: empty, a file, a folder holding a run (unless `restart`), under a file, or not
    writable."""
    if text is None:
        return
    flag = f"--run-dir {text!r}"
    if not text.strip():
        raise CommandError(
            f"--run-dir must not be empty (an empty path is the current folder). Received: {flag}"
        )
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise CommandError(f"--run-dir must be a folder. Received: {flag} (a file)")
    if not restart and ((path / "config.json").exists() or (path / "checkpoints").exists()):
        raise CommandError(
            f"--run-dir must be a new or empty folder; this one already holds a run. Resume it "
            f"with --resume {text!r} or choose another. Received: {flag}"
        )
    existing = path.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise CommandError(
            f"--run-dir cannot be created: {str(existing)!r} is a file. Received: {flag}"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CommandError(
            f"--run-dir cannot be created: {str(existing)!r} is not writable. Received: {flag}"
        )
