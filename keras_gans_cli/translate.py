"""Translate a folder of images with a trained translation model (pix2pix, CycleGAN, ...).

RUN_OR_CHECKPOINT is a run directory (its latest checkpoint, or --checkpoint best) or a
`.keras` file. Every PNG/JPEG under --input (recursively) is resized to the model's input
size, translated in inference mode (no dropout, BatchNorm's moving statistics) and written
to --out as a PNG with the input's relative path and name (`a/x.jpg` becomes `a/x.png`).
"""

from __future__ import annotations

import os
from pathlib import Path

from keras_gans_cli._common import CommandError, load_gan, positive_int

HELP = "translate a folder of images with a pix2pix/CycleGAN-style run"


def add_arguments(parser):
    parser.add_argument("source", metavar="RUN_OR_CHECKPOINT", help="run directory or .keras")
    parser.add_argument("--input", required=True, metavar="DIR", help="folder of PNG/JPEG images")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the PNGs")
    parser.add_argument(
        "--direction",
        choices=("a2b", "b2a"),
        default="a2b",
        help="a2b: --data to --target domain; b2a: back (CycleGAN)",
    )
    parser.add_argument(
        "--checkpoint",
        choices=("latest", "best"),
        default="latest",
        help="which checkpoint of a run directory",
    )
    parser.add_argument("--batch-size", type=positive_int, default=32, help="images per call")


def _check_folders(args):
    for flag, text in (("--input", args.input), ("--out", args.out)):
        if not text.strip():
            raise CommandError(
                f"{flag} must not be empty (an empty path is the current folder). "
                f"Received: {flag} {text!r}"
            )
    source = Path(args.input)
    if not source.is_dir():
        raise CommandError(f"--input must be a folder of images. Received: {args.input!r}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CommandError(f"--out must be a folder. Received: {args.out!r} (a file)")
    if out.resolve() == source.resolve():
        raise CommandError(
            f"--out must differ from --input, or the inputs would be overwritten. "
            f"Received: --out {args.out!r}"
        )
    return source, out


def _input_shape(model, direction):
    """The translated images' shape: domain A's for a2b, B's for b2a."""
    shape = tuple(model.image_shapes[direction[0]])
    if None in shape:
        raise CommandError(f"The model's {direction} input has no fixed size: {shape}")
    return shape


def run(args) -> int:
    source, out = _check_folders(args)
    model, checkpoint = load_gan(args.source, args.checkpoint, args.debug)
    directions = getattr(model, "directions", None)
    if (
        not callable(getattr(model, "translate", None))
        or not directions
        or not hasattr(model, "image_shapes")
    ):
        raise CommandError(
            f"{str(checkpoint)!r} holds a {type(model).__name__}, which does not translate "
            "images (it samples from latents: use `keras-gans sample`)."
        )
    if args.direction not in directions:
        raise CommandError(
            f"--direction must be one of {', '.join(directions)} for this "
            f"{type(model).__name__}. Received: --direction {args.direction}"
        )
    height, width, channels = _input_shape(model, args.direction)
    from keras_gans import datasets

    try:
        names, images = datasets.read_images(source, (height, width), channels)
    except (ValueError, FileNotFoundError) as error:
        raise CommandError(f"--input: {error}") from None
    outputs = model.translate(images, direction=args.direction, batch_size=args.batch_size)
    written = _write(outputs, names, out)
    print(f"translated {written} image(s) ({height}x{width}, {args.direction}) into {out}")
    return 0


def _write(outputs, names, out):
    import numpy as np
    from PIL import Image

    pixels = np.clip(np.rint((np.asarray(outputs) + 1.0) * 127.5), 0, 255).astype("uint8")
    for image, name in zip(pixels, names, strict=True):
        path = out / (os.path.splitext(name)[0] + ".png")
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image).save(path)
    return len(names)
