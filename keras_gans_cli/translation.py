"""What `keras-gans train` does differently for translation architectures (pix2pix, CycleGAN).

An architecture whose `pairing` is `"paired"` or `"unpaired"` trains on two image domains:
`--data` is domain A (a folder, a folder of side-by-side `A|B` images, or a built-in task
such as `digits-edges`) and `--target` domain B. The data comes from
`keras_gans.datasets.load_pairs`, the epoch pictures from `TranslationGrid` on fixed
held-out inputs, and checkpoints are checked against both domains' shapes.
"""

from __future__ import annotations

from keras_gans_cli._common import CommandError

#: Inputs shown in each epoch's picture.
GRID_IMAGES = 8


def pairing(keras_gans, config):
    """The architecture's `pairing` (`None` for non-translation architectures)."""
    try:
        arch_class = keras_gans.architectures.registry.load(config["arch"])
    except ValueError as error:
        raise CommandError(f"--arch: {error}") from None
    return getattr(arch_class, "pairing", None), getattr(arch_class, "default_batch_size", 64)


def check_flags(config, kind):
    """Rejects flags that do not apply to the architecture's kind of data."""
    if kind is None and config["target"] is not None:
        raise CommandError(
            f"--target applies to translation architectures (pix2pix, cyclegan, ...), not "
            f"--arch {config['arch']}. Received: --target {config['target']}"
        )
    if kind is not None and config["eval"] is not None:
        raise CommandError(
            f"--eval measures samples from latents, which --arch {config['arch']} (a "
            "translation model) does not draw; measure translations with `keras-gans "
            f"translate` and the benchmarks. Received: --eval {config['eval']}"
        )
    if kind is None and config["swap_domains"]:
        raise CommandError("--swap-domains applies to translation architectures only.")
    if kind is not None and config["conditional"] == "yes":
        raise CommandError(f"--conditional yes does not apply to --arch {config['arch']}.")


def load(keras_gans, config, kind, **options):
    """The `(a, b)` pipeline of `--data`/`--target`."""
    try:
        return keras_gans.datasets.load_pairs(
            config["data"],
            config["target"],
            paired=kind == "paired",
            image_size=config["image_size"],
            batch_size=config["batch_size"],
            seed=config["seed"],
            swap=config.get("swap_domains", False),
            **options,
        )
    except (FileNotFoundError, NotADirectoryError, ValueError, TypeError) as error:
        flags = f"--data {config['data']}" + (
            f" --target {config['target']}" if config["target"] else ""
        )
        raise CommandError(f"{flags}: {error}") from None


def _fixed_pairs(keras_gans, config, kind):
    """`GRID_IMAGES` fixed `(a, b)`: held-out test pairs for tasks, else the first files."""
    fixed = load(
        keras_gans,
        {**config, "batch_size": GRID_IMAGES},
        kind,
        shuffle=False,
        jitter=False,
        mirror=False,
        split="test",
    )
    a, b = next(iter(fixed.dataset))
    return a.numpy(), b.numpy()


def grid(keras_gans, config, kind, directory, every):
    """A `TranslationGrid` on the fixed pairs."""
    a, b = _fixed_pairs(keras_gans, config, kind)
    return keras_gans.callbacks.TranslationGrid(directory, a, b, every)


def check_checkpoint(model, config, checkpoint):
    """The checkpoint translates the run's domains: same input and output shapes."""
    resolved = config["resolved"]
    shapes = (tuple(resolved["data_shape"]), tuple(resolved["target_shape"]))
    shapes_of = getattr(model, "image_shapes", None)
    found = None if shapes_of is None else (tuple(shapes_of["a"]), tuple(shapes_of["b"]))
    if found != shapes:
        raise CommandError(
            f"{str(checkpoint)!r} translates images of shapes {found}, but the run's "
            f"config.json says {shapes[0]} to {shapes[1]}."
        )


def held_out_images(source, direction):
    """Up to `GRID_IMAGES` real inputs of `direction` from the run that `source` names (its
    held-out split for tasks, else the first files), or `None` for a bare `.keras` file."""
    from pathlib import Path

    import keras_gans
    from keras_gans.callbacks import RunDirectory

    if not Path(source).is_dir():
        return None
    config = RunDirectory(source).read_config()
    a, b = _fixed_pairs(keras_gans, config, pairing(keras_gans, config)[0])
    return a if direction == "a2b" else b
