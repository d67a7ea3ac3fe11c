"""The flags of `keras-gans train` and the run configuration they resolve to.

Parsed without importing TensorFlow, so a bad flag is reported at once.
"""

from __future__ import annotations

import argparse
import ast

from keras_gans_cli._common import (
    CommandError,
    non_empty,
    non_negative_int,
    positive_float,
    positive_int,
    seed_int,
)
from keras_gans_cli.train_checks import check_plugin_names, check_run_dir

HELP = "train a GAN and write a run directory (default: DCGAN on the bundled digits)"

#: The embedded default run; every flag left out takes its value from here.
DEFAULTS = {
    "arch": "dcgan",
    "arch_args": {},
    "loss": None,  # None: the architecture's default loss
    "loss_args": {},
    "data": "digits",
    "target": None,  # domain B of translation architectures (pix2pix, cyclegan, ...)
    "swap_domains": False,
    "image_size": None,
    "download": False,  # mnist, fashion-mnist: download into the Keras cache when missing
    "conditional": "auto",
    "batch_size": None,  # None: the architecture's default_batch_size (64; 1 for translation)
    "epochs": 60,
    "steps_per_epoch": None,
    "latent_dim": 64,
    "d_steps": 1,
    "seed": 0,
    "d_lr": None,  # None: the architecture's optimizer_defaults, else ADAM_DEFAULTS
    "g_lr": None,
    "beta1": None,
    "beta2": None,
    "lr_decay_epochs": None,  # e.g. 100 of 200: CycleGAN's constant-then-linear schedule
    "monitor": "g_loss",
    "monitor_mode": "min",
    "samples": 100,
    "sample_every": 1,
    "checkpoint_steps": None,  # None: commit a checkpoint at epoch ends (and on a signal) only
    "tensorboard": True,
    "eval": None,  # e.g. "kid" or "fid,kid": GANMetricsCallback values val_fid, val_kid
    "eval_every": 1,
    "eval_samples": 1000,
    "eval_extractor": None,  # None: "digits" for 8x8x1 images, else "inception-v3"
    "ema_decay": None,
    "ema_start": 0,  # generator updates before the EMA averages (BigGAN's late start)
    "strategy": "none",  # none, mirrored, multi-worker (keras_gans_cli.train_strategy)
    "precision": "float32",  # the Keras dtype policy the networks are built under
}

#: Adam's settings for an architecture without `optimizer_defaults` (Radford et al. 2016).
ADAM_DEFAULTS = {"d_lr": 2e-4, "g_lr": 2e-4, "beta1": 0.5, "beta2": 0.999}

#: Flags that may be given together with --resume (the rest come from the run's config).
RESUMABLE = {"epochs", "debug", "verbose", "resume", "dry_run", "strategy"}

#: The largest `--image-size` (the largest any architecture here trains at is 1024).
MAX_IMAGE_SIZE = 4096
#: The most `--samples` in an epoch's grid (more would not be readable, only slow).
MAX_GRID_SAMPLES = 10_000
#: The fewest fakes for each `--eval` metric (FID's covariance and KID's unbiased MMD need 2;
#: precision/recall more than their k=3 and density_k=5 neighbours).
MIN_EVAL_SAMPLES = {"fid": 2, "kid": 2, "precision_recall": 6}
#: Flags naming a file or folder.
PATHS = ("data", "target")
#: `--data` names that `--download` can fetch.
DOWNLOADABLE = ("mnist", "fashion-mnist")
#: Flags that only tune `--eval`.
EVAL_OPTIONS = ("eval_every", "eval_samples", "eval_extractor")


def key_value(text):
    """Parses `KEY=VALUE`, VALUE a Python literal (`3`, `0.5`, `(4, 4)`, `'layer'`) or a string.

    The `type=` of `--arch-arg` and `--loss-arg` (and of the benchmarks' flags of the same
    name). Literals go through `ast.literal_eval`, so no value runs code; a dash in KEY reads
    as an underscore.

    >>> key_value("base-filters=32"), key_value("kernel=(4, 4)"), key_value("norm=batch")
    (('base_filters', 32), ('kernel', (4, 4)), ('norm', 'batch'))
    >>> key_value("32")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected KEY=VALUE with KEY a keyword name, received '32'
    """
    key, equals, value = text.partition("=")
    key = key.strip().replace("-", "_")
    if not equals or not key.isidentifier():
        raise argparse.ArgumentTypeError(
            f"expected KEY=VALUE with KEY a keyword name, received {text!r}"
        )
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        parsed = value
    return key, parsed


def add_arguments(parser):
    model = parser.add_argument_group("model")
    model.add_argument("--arch", help=f"architecture plugin (keras-gans list) [{DEFAULTS['arch']}]")
    model.add_argument(
        "--arch-arg",
        action="append",
        type=key_value,
        metavar="KEY=VALUE",
        help="extra architecture keyword, repeatable (e.g. base_filters=32)",
    )
    model.add_argument("--loss", help="loss plugin [the architecture's default loss]")
    model.add_argument(
        "--loss-arg",
        action="append",
        type=key_value,
        metavar="KEY=VALUE",
        help="loss keyword, repeatable (e.g. gp_weight=5)",
    )
    model.add_argument("--latent-dim", type=positive_int, help="size of z [64]")
    model.add_argument(
        "--conditional",
        choices=("auto", "yes", "no"),
        help="condition on the data's labels: auto = when the data has labels [auto]",
    )
    data = parser.add_argument_group("data")
    data.add_argument(
        "--data",
        help="digits, mnist, fashion-mnist, ring, grid, an image folder or a .npz [digits]",
    )
    data.add_argument(
        "--target",
        metavar="DIR_B",
        help="translation architectures: domain B's folder (paired with --data by file name "
        "for pix2pix; unpaired for cyclegan)",
    )
    data.add_argument(
        "--swap-domains",
        action="store_true",
        default=None,
        help="translate --target/right halves into --data/left halves (facades: labels to photos)",
    )
    data.add_argument(
        "--image-size",
        "--resolution",
        dest="image_size",
        type=positive_int,
        help="resize images to this side (progan grows from 4x4 to it) [the data's]",
    )
    data.add_argument(
        "--download",
        action="store_true",
        default=None,
        help="mnist, fashion-mnist: download the data once into the Keras cache when it is "
        "not there (written atomically; mnist: SHA-256 verified, fashion-mnist: each file "
        "read back, gzip and IDX size); without it nothing is downloaded",
    )
    training = parser.add_argument_group("training")
    training.add_argument(
        "--batch-size",
        type=positive_int,
        help="examples per train step (the GLOBAL batch: --strategy splits it over the "
        "replicas), split over the --d-steps updates "
        "[64; 1 for translation architectures, as in their papers]",
    )
    training.add_argument("--epochs", type=positive_int, help="epochs to train in total [60]")
    training.add_argument(
        "--steps-per-epoch", type=positive_int, help="generator updates per epoch [one pass]"
    )
    training.add_argument(
        "--d-steps", type=positive_int, help="discriminator updates per generator update [1]"
    )
    training.add_argument(
        "--d-lr", type=positive_float, help="discriminator Adam rate [2e-4, or the arch's]"
    )
    training.add_argument(
        "--g-lr", type=positive_float, help="generator Adam rate [2e-4, or the arch's]"
    )
    training.add_argument(
        "--lr-decay-epochs",
        type=positive_int,
        metavar="N",
        help="decay both learning rates linearly to zero over the last N epochs "
        "(CycleGAN: --epochs 200 --lr-decay-epochs 100) [constant]",
    )
    training.add_argument("--beta1", type=float, help="Adam beta_1 of both [0.5, or the arch's]")
    training.add_argument("--beta2", type=float, help="Adam beta_2 of both [0.999, or the arch's]")
    training.add_argument(
        "--strategy",
        choices=("none", "mirrored", "multi-worker"),
        help="tf.distribute strategy: none = the default device; mirrored = every local GPU "
        "(else every logical CPU device); multi-worker = MultiWorkerMirroredStrategy over the "
        "cluster in the TF_CONFIG environment variable (run the same command on every worker "
        "with the same --run-dir; only the chief writes it; a restarted job continues from "
        "its backup) [none]",
    )
    training.add_argument(
        "--seed", type=seed_int, help="seed of weights, latents and shuffling [0]"
    )
    training.add_argument(
        "--precision",
        choices=("float32", "mixed_float16", "mixed_bfloat16"),
        help="dtype policy of both networks: mixed_float16 for GPUs with float16 tensor cores "
        "(both optimizers loss-scaled), mixed_bfloat16 for TPUs, recent GPUs and bf16 CPUs; "
        "variables stay float32 [float32]",
    )
    run = parser.add_argument_group("run directory")
    run.add_argument("--run-dir", help="where the run is written [runs/<arch>-<data>-<time>]")
    run.add_argument(
        "--resume", type=non_empty, metavar="RUN", help="continue the run in this directory"
    )
    run.add_argument(
        "--monitor",
        help="logged value choosing checkpoints/best.keras [val_kid for 8x8 grey data (KID "
        "every 5 epochs), else the --eval FID/KID, else no best.keras]",
    )
    run.add_argument("--monitor-mode", choices=("min", "max"), help="[min]")
    run.add_argument("--samples", type=positive_int, help="samples per epoch grid [100]")
    run.add_argument("--sample-every", type=positive_int, help="epochs between grids [1]")
    run.add_argument(
        "--checkpoint-steps",
        type=positive_int,
        metavar="N",
        help="also commit a checkpoint every N steps inside epochs, so a kill loses at most N "
        "steps (Ctrl-C/SIGTERM always commit one before exiting) [epoch ends only]",
    )
    run.add_argument(
        "--no-tensorboard",
        dest="tensorboard",
        action="store_false",
        default=None,
        help="do not write TensorBoard logs",
    )
    evaluation = parser.add_argument_group("evaluation while training")
    evaluation.add_argument(
        "--eval",
        help="metrics logged as val_<name> after evaluated epochs: fid, kid, precision_recall "
        "(comma-separated); pair with --monitor val_kid",
    )
    evaluation.add_argument(
        "--eval-every",
        type=positive_int,
        help="epochs between them [1; 5 for the automatic KID of 8x8 grey data]",
    )
    evaluation.add_argument("--eval-samples", type=positive_int, help="fakes per evaluation [1000]")
    evaluation.add_argument(
        "--eval-extractor",
        help="feature extractor [digits for 8x8x1 images, else inception-v3]",
    )
    model.add_argument(
        "--ema-decay",
        type=positive_float,
        help="keep an exponential moving average of the generator (e.g. 0.999)",
    )
    model.add_argument(
        "--ema-start", type=non_negative_int, help="generator updates before the EMA averages [0]"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the configuration and model summaries only"
    )
    parser.add_argument(
        "--verbose",
        type=int,
        choices=(0, 1, 2),
        default=None,
        help="Keras verbosity: 1 progress bar, 2 one line per epoch [1 on a terminal, else 2]",
    )


def _given(args):
    """The flags the user set explicitly (argparse leaves the others `None`)."""
    given = {}
    for key in DEFAULTS:
        flag = {"arch_args": "arch_arg", "loss_args": "loss_arg"}.get(key, key)
        value = getattr(args, flag, None)
        if value is not None:
            given[key] = dict(value) if key in ("arch_args", "loss_args") else value
    return given


def resolve_config(args):
    """The run configuration: defaults, overridden by the flags given."""
    config = {**DEFAULTS, **_given(args)}
    for key in ("data", "target", "arch", "loss", "monitor", "eval", "eval_extractor"):
        if isinstance(config[key], str) and not config[key].strip():
            flag = "--" + key.replace("_", "-")
            why = " (an empty path would read the current folder)" if key in PATHS else ""
            raise CommandError(f"{flag} must not be empty{why}. Received: {flag} {config[key]!r}")
    if config["batch_size"] is not None and config["batch_size"] % config["d_steps"]:
        raise CommandError(
            f"--batch-size must be divisible by --d-steps (each discriminator update gets "
            f"batch_size / d_steps examples). Received: --batch-size {config['batch_size']}, "
            f"--d-steps {config['d_steps']}"
        )
    if config["eval"] is not None:
        names = [name.strip().replace("-", "_") for name in config["eval"].split(",")]
        unknown = sorted(set(names) - {"fid", "kid", "precision_recall"})
        if unknown or not names:
            raise CommandError(
                f"--eval takes fid, kid and precision_recall. Received: --eval {config['eval']!r}"
            )
        config["eval"] = ",".join(names)
        need = max(MIN_EVAL_SAMPLES[name] for name in names)
        if config["eval_samples"] < need:
            raise CommandError(
                f"--eval-samples must be at least {need} for --eval {config['eval']}. "
                f"Received: --eval-samples {config['eval_samples']}"
            )
    else:
        alone = [key for key in EVAL_OPTIONS if getattr(args, key, None) is not None]
        if alone:
            flags = ", ".join("--" + key.replace("_", "-") for key in alone)
            raise CommandError(
                f"{flags} tune{'s' if len(alone) == 1 else ''} the evaluation that --eval "
                "turns on (e.g. --eval kid). Received: no --eval"
            )
    if config["download"] and str(config["data"]).strip().lower().replace("_", "-") not in (
        DOWNLOADABLE
    ):
        raise CommandError(
            f"--download applies to --data {' or '.join(DOWNLOADABLE)} (the other data are "
            f"bundled or local). Received: --data {config['data']!r}"
        )
    decay = config["lr_decay_epochs"]
    if decay is not None and decay > config["epochs"]:
        raise CommandError(
            f"--lr-decay-epochs must be at most --epochs ({config['epochs']}). "
            f"Received: --lr-decay-epochs {decay}"
        )
    if config["ema_decay"] is not None and not 0 < config["ema_decay"] < 1:
        raise CommandError(f"--ema-decay must be in (0, 1). Received: {config['ema_decay']}")
    if config.get("ema_start") and config["ema_decay"] is None:
        start = config["ema_start"]
        raise CommandError(f"--ema-start needs --ema-decay. Received: --ema-start {start} alone")
    for beta in ("beta1", "beta2"):
        if config[beta] is not None and not 0 <= config[beta] < 1:
            raise CommandError(f"--{beta} must be in [0, 1). Received: {config[beta]}")
    if config["image_size"] is not None and config["image_size"] > MAX_IMAGE_SIZE:
        raise CommandError(
            f"--image-size must be at most {MAX_IMAGE_SIZE}. Received: --image-size "
            f"{config['image_size']}"
        )
    if config["samples"] > MAX_GRID_SAMPLES:
        raise CommandError(
            f"--samples must be at most {MAX_GRID_SAMPLES:,} (one grid per epoch). "
            f"Received: --samples {config['samples']}"
        )
    from keras_gans_cli import train_strategy

    train_strategy.check(config, args)
    # Under multi-worker, a --run-dir holding the run is the job started again after a failure.
    check_run_dir(getattr(args, "run_dir", None), config["strategy"] == "multi-worker")
    check_plugin_names(config)
    return config
