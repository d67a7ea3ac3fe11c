"""Write generated samples of a trained GAN as a PNG grid, single PNGs, or a latent walk.

RUN_OR_CHECKPOINT is a run directory (its latest checkpoint, or --checkpoint best) or a
`.keras` file. Conditional models take --labels (class ids: `3`, `0,1,2` or `0-9`; default:
cycle through every class). --interpolate walks between the latents of --seeds, linearly or
along great circles (slerp, White 2016), and writes a strip (.png) or an animation (.gif).
--class-sweep writes one row per class (or per category of an InfoGAN model's first
categorical code) with the same latent in every column. StyleGAN models take
--truncation-psi (the truncation trick in w) and --noise const|random|none.
"""

from __future__ import annotations

from pathlib import Path

from keras_gans_cli._common import (
    MAX_SEED,
    CommandError,
    add_standing_statistics_flag,
    apply_standing_statistics,
    check_noise_flag,
    finite_float,
    load_gan,
    parse_labels,
    positive_float,
    positive_int,
    seed_int,
)

HELP = "write samples of a trained GAN: grid PNG, single PNGs, latent walks (PNG/GIF)"

#: The most pixels a written picture may hold (Pillow's decompression-bomb limit).
MAX_PIXELS = 89_478_485


def add_arguments(parser):
    parser.add_argument("source", metavar="RUN_OR_CHECKPOINT", help="run directory or .keras")
    parser.add_argument(
        "--checkpoint",
        choices=("latest", "best"),
        default="latest",
        help="which checkpoint of a run directory",
    )
    parser.add_argument("--n", type=positive_int, default=16, help="number of samples")
    parser.add_argument("--seed", type=seed_int, default=0, help="latent seed")
    parser.add_argument(
        "--truncation-psi",
        type=finite_float,
        metavar="PSI",
        help="stylegan, stylegan2: the w-space truncation trick (1 keeps w, 0 gives the "
        "average w; 0.7 is common) [none]",
    )
    parser.add_argument(
        "--noise",
        choices=("const", "random", "none"),
        help="stylegan, stylegan2: the stored noise maps (const, as export does), fresh "
        "per-sample maps drawn from --seed (random; grids only), or no noise (none) [const]",
    )
    parser.add_argument("--labels", help="class ids for conditional models: 3 | 0,1,2 | 0-9")
    parser.add_argument(
        "--truncation", type=positive_float, help="truncation threshold (normal prior only)"
    )
    parser.add_argument("--out", default="samples.png", help="output .png (or .gif for walks)")
    parser.add_argument("--individual", metavar="DIR", help="also write one PNG per sample here")
    parser.add_argument("--rows", type=positive_int, help="grid rows [square]")
    parser.add_argument("--scale", type=positive_int, default=4, help="pixel enlargement")
    add_standing_statistics_flag(parser)
    walk = parser.add_argument_group("latent walks")
    walk.add_argument("--interpolate", choices=("linear", "slerp"), help="walk between --seeds")
    walk.add_argument("--seeds", help="seeds of the walk's key latents [0,1]")
    walk.add_argument("--steps", type=positive_int, help="frames per segment [8]")
    parser.add_argument(
        "--class-sweep",
        type=positive_int,
        nargs="?",
        const=8,
        metavar="COLUMNS",
        help="grid with one row per class (--labels picks them) and COLUMNS latents [8]",
    )


def _network(model, truncation_psi, noise=None):
    """The network that draws: `None` (the generator, or its EMA copy), or a StyleGAN's
    `sampler(truncation_psi=..., noise=...)` (`noise="random"` is drawn by `generate`)."""
    check_noise_flag(model, noise)
    if noise == "none":
        return model.sampler(
            truncation_psi=1.0 if truncation_psi is None else truncation_psi, noise="none"
        )
    if truncation_psi is None:
        return None
    if not callable(getattr(model, "sampler", None)):
        raise CommandError(
            f"--truncation-psi needs a model with a w-space truncation trick (stylegan, "
            f"stylegan2); this is a {type(model).__name__}. For a normal prior, --truncation "
            f"truncates z instead. Received: --truncation-psi {truncation_psi}"
        )
    return model.sampler(truncation_psi=truncation_psi)


def _seeds(text):
    try:
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        seeds = None
    if seeds is None or not all(0 <= seed <= MAX_SEED for seed in seeds):
        raise CommandError(
            f"--seeds must be comma-separated integers in [0, 2**32 - 1]. Received: {text!r}"
        )
    if len(seeds) < 2:
        raise CommandError(f"--seeds needs at least two seeds to walk between. Received: {text!r}")
    return seeds


def _check_paths(args):
    """`--out` and `--individual` can be written, before anything is loaded."""
    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".gif"):
        raise CommandError(f"--out must end in .png or .gif. Received: {args.out!r}")
    if out.suffix.lower() == ".gif" and args.interpolate is None:
        raise CommandError("--out .gif is for latent walks: add --interpolate linear|slerp.")
    if out.is_dir():
        raise CommandError(f"--out must be a file; {args.out!r} is a folder.")
    if not out.parent.is_dir():
        what = "is a file" if out.parent.exists() else "does not exist"
        raise CommandError(f"--out: the folder {str(out.parent)!r} {what}. Received: {args.out!r}")
    if args.individual is not None:
        folder = Path(args.individual)
        if not args.individual.strip() or (folder.exists() and not folder.is_dir()):
            raise CommandError(
                f"--individual must be a folder (made if missing). Received: {args.individual!r}"
            )
    return out


def _check_combinations(args, out):
    """Flags that only apply to a walk, or that a class sweep ignores."""
    if args.interpolate is None:
        for flag, value in (("--seeds", args.seeds), ("--steps", args.steps)):
            if value is not None:
                raise CommandError(
                    f"{flag} applies to latent walks only: add --interpolate linear|slerp. "
                    f"Received: {flag} {value}"
                )
    elif args.rows is not None:
        raise CommandError(
            f"--rows does not apply to --interpolate (a walk is one strip or an animation). "
            f"Received: --rows {args.rows}"
        )
    if args.noise == "random" and (args.interpolate or args.class_sweep):
        flag = "--interpolate" if args.interpolate else "--class-sweep"
        raise CommandError(
            f"--noise random draws new noise maps for every image, so the frames of {flag} "
            f"would differ by more than their latents: use --noise const or none. "
            f"Received: --noise random with {flag}"
        )
    if args.class_sweep:
        if args.interpolate or out.suffix.lower() != ".png":
            raise CommandError(
                "--class-sweep writes a .png grid: drop --interpolate, use --out .png"
            )
        for flag, value in (("--individual", args.individual), ("--rows", args.rows)):
            if value is not None:
                raise CommandError(
                    f"--class-sweep writes one grid with one row per class; {flag} does not "
                    f"apply. Received: {flag} {value}"
                )


def _check_labels(model, labels):
    """Class ids within the model's classes (a conditional model with known classes)."""
    classes = getattr(model, "num_classes", None)
    if labels and model.conditional and classes and max(labels) >= classes:
        raise CommandError(
            f"--labels must be class ids in [0, {classes}) for this model. Received: "
            f"{', '.join(str(label) for label in labels if label >= classes)}"
        )


def _check_pixels(model, count, flags, args):
    """The picture fits in `MAX_PIXELS` (checked before any latent is drawn); `flags` names
    the flags that set `count`."""
    shape = tuple(model.sample_shape)
    if len(shape) != 3 or None in shape:
        return
    pixels = count * shape[0] * shape[1] * args.scale**2
    if pixels > MAX_PIXELS:
        raise CommandError(
            f"{flags} and --scale ask for a {pixels:,}-pixel picture ({count:,} samples of "
            f"{shape[0]}x{shape[1]} at --scale {args.scale}); at most {MAX_PIXELS:,} can be "
            f"written. Received: {flags}, --scale {args.scale}"
        )


def run(args) -> int:
    out = _check_paths(args)
    labels = parse_labels(args.labels)
    _check_combinations(args, out)
    seeds = _seeds(args.seeds or "0,1") if args.interpolate else None
    steps = args.steps or 8
    if args.rows is not None and args.rows > args.n:
        raise CommandError(f"--rows must be at most --n ({args.n}). Received: --rows {args.rows}")
    model, checkpoint = load_gan(args.source, args.checkpoint, args.debug)
    if getattr(model, "directions", None):
        raise CommandError(
            f"{str(checkpoint)!r} holds a {type(model).__name__}, a translation model: use "
            "`keras-gans translate RUN --input DIR --out DIR` (CoGAN's pairs from latents: "
            "its `generate` in Python)."
        )
    network = _network(model, args.truncation_psi, args.noise)
    _check_labels(model, labels)
    if args.interpolate:
        count = (len(seeds) - 1) * steps + 1
        flags = f"--seeds {args.seeds or '0,1'} --steps {steps}"
    elif args.class_sweep:
        count = args.class_sweep * (len(labels) if labels else model.num_classes or 1)
        flags = f"--class-sweep {args.class_sweep}"
    else:
        count, flags = args.n, f"--n {args.n}"
    _check_pixels(model, count, flags, args)
    if args.class_sweep:
        apply_standing_statistics(model, args.standing_statistics, args.seed, checkpoint=checkpoint)
        return _class_sweep(model, checkpoint, labels, args, network)

    import numpy as np

    from keras_gans.latents import generate_from_latents, interpolate

    if args.interpolate:
        keys = np.concatenate([_latents(model, 1, seed, args.truncation) for seed in seeds])
        latents = interpolate(keys, steps, method=args.interpolate)
    else:
        latents = _latents(model, args.n, args.seed, args.truncation)
    n = len(latents)
    if model.conditional:
        if labels is None:
            if model.num_classes is None:
                raise CommandError("This model is conditional: give --labels.")
            labels = [i % model.num_classes for i in range(n)]
        elif len(labels) == 1:
            labels = labels * n
        elif len(labels) != n:
            raise CommandError(
                f"--labels must give one class id or one per sample ({n}). "
                f"Received: {len(labels)} labels"
            )
    elif labels is not None:
        raise CommandError("--labels was given but this model is unconditional.")
    # Re-measured only once every flag is checked: it runs the generator BATCHES times.
    apply_standing_statistics(model, args.standing_statistics, args.seed, checkpoint=checkpoint)
    try:
        if args.noise == "random":  # per-sample maps from --seed, as `evaluate --noise`
            psi = 1.0 if args.truncation_psi is None else args.truncation_psi
            samples = model.generate(
                n, seed=args.seed, latents=latents, truncation_psi=psi, noise="random"
            )
        else:
            samples = generate_from_latents(model, latents, labels, network=network)
    except ValueError as error:
        raise CommandError(str(error)) from None
    rows = 1 if args.interpolate and out.suffix.lower() == ".png" else args.rows
    _write(samples, out, rows, args.scale)
    if args.individual:
        _write_individual(samples, Path(args.individual), args.scale)
    print(f"wrote {out} ({n} samples from {checkpoint})")
    return 0


def _class_sweep(model, checkpoint, labels, args, network):
    from keras_gans import latents as priors
    from keras_gans.latents import InfoGANLatent, class_sweep, code_sweep

    columns, out = args.class_sweep, Path(args.out)
    z = _latents(model, columns, args.seed, args.truncation)
    prior = priors.resolve(model.latent_distribution)
    try:
        if model.conditional:
            samples, rows = class_sweep(model, classes=labels, latents=z, network=network)
        elif isinstance(prior, InfoGANLatent) and prior.categorical_codes:
            samples, rows = code_sweep(model, values=labels, latents=z, network=network)
        else:
            raise CommandError(
                "--class-sweep needs a label-conditioned model or an InfoGAN model with a "
                "categorical code; this model is unconditional."
            )
    except ValueError as error:
        raise CommandError(str(error)) from None
    _write(samples, out, len(rows), args.scale)
    print(f"wrote {out} ({len(rows)} rows x {columns} columns from {checkpoint})")
    return 0


def _latents(model, n, seed, truncation):
    import numpy as np

    from keras_gans.latents import truncated_normal

    if truncation is None:
        return np.asarray(model.sample_latent(n, seed=seed), dtype="float32")
    if model.latent_distribution != "normal":
        raise CommandError(
            "--truncation needs a normal prior; this model's latent_distribution is "
            f"{model.latent_distribution!r}."
        )
    return truncated_normal(n, model.latent_dim, truncation, seed=seed)


def _is_image(samples):
    return samples.ndim == 4 and samples.shape[-1] in (1, 3)


def _write(samples, out, rows, scale):
    from keras_gans.images import image_grid, save_image_grid, scatter_plot

    if out.suffix.lower() == ".gif":
        if not _is_image(samples):
            raise CommandError("GIF walks need image samples (n, h, w, 1 or 3).")
        from PIL import Image

        frames = []
        for sample in samples:
            pixels = image_grid(sample[None], padding=0)
            pixels = pixels.repeat(scale, axis=0).repeat(scale, axis=1)
            frames.append(Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels))
        frames[0].save(out, save_all=True, append_images=frames[1:], duration=80, loop=0)
    elif _is_image(samples):
        save_image_grid(samples, out, rows=rows, scale=scale)
    elif samples.ndim == 2 and samples.shape[1] == 2:
        scatter_plot(samples, out)
    else:
        raise CommandError(
            f"Cannot draw samples of shape {samples.shape[1:]}: expected images or 2-D points."
        )


def _write_individual(samples, folder, scale):
    from keras_gans.images import save_image_grid

    if not _is_image(samples):
        raise CommandError("--individual needs image samples (n, h, w, 1 or 3).")
    folder.mkdir(parents=True, exist_ok=True)
    for index, sample in enumerate(samples):
        save_image_grid(sample[None], folder / f"sample_{index:04d}.png", scale=scale, padding=0)
