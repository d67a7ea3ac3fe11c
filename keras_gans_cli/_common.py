"""Helpers shared by the subcommands: errors, argument types, quiet imports, model loading."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

__all__ = [
    "CommandError",
    "default_extractor",
    "extractor_unavailable",
    "import_keras_gans",
    "jsonable",
    "load_gan",
    "one_line",
    "parse_labels",
    "positive_float",
    "positive_int",
    "progress_verbose",
    "seed_int",
]

#: The largest seed NumPy and `keras.utils.set_random_seed` accept.
MAX_SEED = 2**32 - 1
#: The longest `--labels` range (no model has more classes; a longer one is a typo).
MAX_LABELS = 1_000_000


#: The shape of the bundled scikit-learn digits, which the bundled digits extractor reads.
DIGITS_SHAPE = (8, 8, 1)
#: Extractors whose weights are not shipped: the environment variable naming a local copy.
EXTRACTOR_WEIGHTS_ENV = {
    "inception-v3": "KERAS_GANS_INCEPTION_WEIGHTS",
    "inception-v3-logits": "KERAS_GANS_INCEPTION_WEIGHTS",
    "inception-v3-fid": "KERAS_GANS_FID_INCEPTION_WEIGHTS",
}


class CommandError(Exception):
    """A user error the command reports as one line (no traceback)."""


def one_line(text: str) -> str:
    """Collapses whitespace and newlines so an error prints as one line."""
    return " ".join(str(text).split())


def default_extractor(shape) -> str:
    """The feature extractor that suits images of `shape` (one rule for `train --eval` and
    `evaluate`): the bundled digits classifier for 8x8x1 images, else InceptionV3.

    Example:
    >>> default_extractor((8, 8, 1)), default_extractor([28, 28, 1])
    ('digits', 'inception-v3')
    """
    return "digits" if tuple(shape) == DIGITS_SHAPE else "inception-v3"


def extractor_unavailable(flag: str, name: str, error: Exception) -> CommandError:
    """One line for an extractor whose weights are missing (or could not be downloaded),
    naming the weights' environment variable and the offline alternatives."""
    env = EXTRACTOR_WEIGHTS_ENV.get(name)
    where = f"set ${env}=PATH to a local copy, or " if env else ""
    first = one_line(str(error)).split(". ")[0].rstrip(".")
    return CommandError(
        f"{flag} {name}: its weights are not on this machine ({first}). Offline: {where}use "
        f"{flag} digits (bundled, for 8x8 digits) or {flag} none (raw pixels); --debug shows "
        "where the weights were looked for."
    )


def progress_verbose(quiet: bool = False) -> int:
    """Keras `verbose`: 0 when `quiet`, 1 (a progress bar) on a terminal, else 2 (one plain
    line per pass, no bar redrawn into a log file)."""
    if quiet:
        return 0
    return 1 if sys.stdout.isatty() else 2


def positive_int(text: str) -> int:
    """An `argparse` type: an integer > 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a positive integer, received {text!r}"
        ) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, received {value}")
    return value


def non_negative_int(text: str) -> int:
    """An `argparse` type: an integer >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, received {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, received {value}")
    return value


def seed_int(text: str) -> int:
    """An `argparse` type: a seed, an integer in [0, 2**32 - 1]."""
    value = non_negative_int(text)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected an integer in [0, 2**32 - 1], received {value}")
    return value


def non_empty(text: str) -> str:
    """An `argparse` type: a name or path that is not empty (an empty path is the current
    folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected a non-empty name or path, received {text!r}")
    return text


def positive_float(text: str) -> float:
    """An `argparse` type: a finite float > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, received {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, received {value}")
    return value


def finite_float(text: str) -> float:
    """An `argparse` type: a finite float (negative allowed)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, received {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, received {value}")
    return value


def parse_labels(text: str | None) -> list[int] | None:
    """Parses `--labels`: comma-separated class ids (`0,1,2`) or a range (`0-9`)."""
    if text is None:
        return None
    labels = []
    try:
        for part in text.split(","):
            part = part.strip()
            if "-" in part[1:]:
                start, stop = part.split("-", 1)
                ids = range(int(start), int(stop) + 1)
                if len(ids) > MAX_LABELS:
                    raise CommandError(
                        f"--labels ranges may span at most {MAX_LABELS:,} class ids. "
                        f"Received: {text!r}"
                    )
                labels.extend(ids)
            elif part:
                labels.append(int(part))
    except ValueError:
        raise CommandError(
            f"--labels must be comma-separated class ids or ranges such as 0,3,7 or 0-9. "
            f"Received: {text!r}"
        ) from None
    if not labels:
        raise CommandError(f"--labels names no class id (a reversed range?). Received: {text!r}")
    if min(labels) < 0:
        raise CommandError(f"--labels must be class ids >= 0. Received: {text!r}")
    return labels


@contextlib.contextmanager
def _stderr_silenced():
    """Redirects file descriptor 2 (where TensorFlow's C++ logging writes) to /dev/null."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_keras_gans(debug: bool = False):
    """Imports `keras_gans` (and TensorFlow); TensorFlow's start-up lines are hidden unless
    `debug`."""
    if not debug:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if debug or "tensorflow" in sys.modules:
        import keras_gans

        return keras_gans
    with _stderr_silenced():
        import keras_gans
    return keras_gans


def resolve_checkpoint(path: str | os.PathLike, checkpoint: str = "latest") -> Path:
    """The `.keras` file named by a run directory (its `latest` or `best` checkpoint) or a
    `.keras` path."""
    if not str(path).strip():
        raise CommandError(
            f"RUN_OR_CHECKPOINT must be a run directory or a .keras file. Received: {str(path)!r}"
        )
    path = Path(path)
    if path.is_dir():
        from keras_gans.callbacks.run_directory import RunDirectory

        try:
            return RunDirectory(path).checkpoint(checkpoint)
        except (FileNotFoundError, ValueError) as error:
            raise CommandError(f"RUN_OR_CHECKPOINT: {error}") from None
    if not path.exists():
        raise CommandError(
            f"RUN_OR_CHECKPOINT must be a run directory or a .keras file. Received: {str(path)!r} "
            "(no such file or directory)"
        )
    if path.suffix != ".keras":
        raise CommandError(
            f"RUN_OR_CHECKPOINT must be a run directory or a .keras file. Received: {str(path)!r}"
        )
    return path


def load_gan(path: str | os.PathLike, checkpoint: str = "latest", debug: bool = False):
    """Loads the `GANModel` saved in a run directory or a `.keras` checkpoint.

    Args:
        path: A run directory (`runs/NAME`) or a `.keras` file.
        checkpoint: For run directories, `"latest"` (default) or `"best"`.
        debug: Show TensorFlow's start-up lines.

    Returns:
        `(model, checkpoint_path)`.
    """
    keras_gans = import_keras_gans(debug)
    file = resolve_checkpoint(path, checkpoint)
    try:
        model = keras_gans.load_model(file)
    except Exception as error:
        raise CommandError(
            f"Could not load the checkpoint {str(file)!r}: {type(error).__name__}: {error}"
        ) from error
    if not isinstance(model, keras_gans.GANModel):
        raise CommandError(
            f"{str(file)!r} holds a {type(model).__name__}, not a keras_gans.GANModel."
        )
    return model, file


def check_noise_flag(model, noise: str | None) -> None:
    """`--noise` (sample, evaluate) needs a model whose `generate` takes `noise`: the
    StyleGAN family's per-layer noise."""
    import inspect

    if noise is not None and "noise" not in inspect.signature(model.generate).parameters:
        raise CommandError(
            f"--noise needs a model with noise inputs (stylegan, stylegan2); this is a "
            f"{type(model).__name__}. Received: --noise {noise}"
        )


def add_standing_statistics_flag(parser) -> None:
    """`--standing-statistics BATCHES`, for the commands that sample a loaded model."""
    parser.add_argument(
        "--standing-statistics",
        type=positive_int,
        metavar="BATCHES",
        help="first re-measure the (EMA) generator's batch-norm statistics over BATCHES fresh "
        "batches of the size the run trained its generator on (its config.json; 64 for a bare "
        ".keras file), as BigGAN samples (100 is usual; the checkpoint is not changed) [off]",
    )


def training_batch_size(checkpoint) -> int | None:
    """The batch the generator trained on in the run that holds `checkpoint` (its
    config.json's `batch_size` over `d_steps`: each update draws a slice's worth of
    latents), or `None` for a checkpoint outside a run or an unreadable config."""
    from keras_gans.callbacks.run_directory import RunDirectory

    checkpoint = Path(checkpoint)
    if checkpoint.parent.name != "checkpoints":
        return None
    try:
        config = RunDirectory(checkpoint.parent.parent).read_config()
        batch, d_steps = config["batch_size"], config.get("d_steps", 1)
    except (OSError, ValueError, KeyError):
        return None
    numbers = (batch, d_steps)
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in numbers):
        return None
    return max(batch // d_steps, 1)


def apply_standing_statistics(
    model, batches: int | None, seed: int = 0, use_ema: bool = True, checkpoint=None
) -> None:
    """Runs `model.standing_statistics` when `--standing-statistics` was given (batches of
    the run's training size, `training_batch_size(checkpoint)`, else 64); otherwise, when
    the network to sample is an EMA generator with batch norms, says on stderr that its
    statistics are the live generator's and how to re-measure them."""
    if not batches:
        _hint_standing_statistics(model, use_ema)
        return
    if not callable(getattr(model, "standing_statistics", None)):
        raise CommandError(
            "--standing-statistics needs a keras_gans.GANModel checkpoint. Received: a "
            f"{type(model).__name__}"
        )
    try:
        size = (checkpoint and training_batch_size(checkpoint)) or 64
        count = model.standing_statistics(
            passes=batches, batch_size=size, seed=seed, use_ema=use_ema
        )
    except ValueError as error:
        raise CommandError(f"--standing-statistics: {error}") from None
    plural = "s" if count != 1 else ""
    what = f"{count} batch-norm layer{plural}" if count else "no batch-norm layer (nothing to do)"
    print(f"standing statistics: {what}, {batches} batch{'es' if batches != 1 else ''} of {size}")


def _hint_standing_statistics(model, use_ema: bool) -> None:
    ema = getattr(model, "ema_generator", None) if use_ema else None
    if ema is None:
        return
    from keras_gans.models.standing_statistics import batch_norm_layers

    count = len(batch_norm_layers(ema))
    if count:
        plural = "s" if count != 1 else ""
        print(
            f"note: the EMA generator's {count} batch-norm layer{plural} hold the live "
            "generator's statistics, measured for other weights; add --standing-statistics "
            "100 to re-measure them, as BigGAN samples",
            file=sys.stderr,
        )


def jsonable(value):
    """`value` as it reads back from JSON: tuples become lists, other objects their `str`."""
    return json.loads(
        json.dumps(value, default=lambda v: list(v) if isinstance(v, tuple) else str(v))
    )
