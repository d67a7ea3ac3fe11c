"""The papers' own benchmark: facades labels to photos at 256x256 (pix2pix, CycleGAN). GPU recipe.

Trains through the command line a user would type, then measures on the validation split:

    keras-gans train --arch pix2pix --data FACADES/train --swap-domains --epochs 200 \\
        --run-dir runs/facades-pix2pix
    keras-gans train --arch cyclegan --data FACADES/train ... (the halves as unpaired folders)

and reports the per-pixel L1 error of the translated validation labels against the true
photos (pixels in [-1, 1]), against the identity baseline, plus a picture. The CMP facades
in pix2pix's layout (`train/`, `val/`, `test/` of 512x256 side-by-side JPEGs, photo on the
left, labels on the right) must be on disk: `--data FOLDER`. `--download` fetches the
archive the pix2pix authors distribute into `~/.keras/datasets/facades` first (the only
network access; the folder is checked: 400 train, 100 val, 106 test images). On one H200
the paper's 200 epochs take tens of minutes; `--epochs` shortens it. Never run in CI.

Usage:
    python benchmarks/image2image_facades.py --data ~/.keras/datasets/facades --epochs 200
"""

from __future__ import annotations

import argparse
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

URL = "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/facades.tar.gz"
EXPECTED = {"train": 400, "val": 100, "test": 106}


def check_layout(root):
    """Raises unless `root` holds the facades splits with the expected image counts."""
    for split, count in EXPECTED.items():
        found = len(list((root / split).glob("*.jpg")))
        if found != count:
            raise SystemExit(
                f"{root / split} holds {found} .jpg images, expected {count}: not the "
                "pix2pix facades layout (re-download with --download)"
            )


def download(cache):
    """Fetches and unpacks the archive into `cache/facades`, refusing unsafe member paths."""
    target = cache / "facades"
    if target.is_dir():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        archive = Path(scratch) / "facades.tar.gz"
        urllib.request.urlretrieve(URL, archive)  # noqa: S310 - a fixed https/http dataset URL
        with tarfile.open(archive) as tar:
            tar.extractall(scratch, filter="data")
        (Path(scratch) / "facades").rename(target)
    return target


def split_halves(folder, out):
    """Writes the left (photo) and right (labels) halves of every image into two folders,
    for the unpaired CycleGAN run (which shuffles them independently)."""
    from PIL import Image

    for side in ("photos", "labels"):
        (out / side).mkdir(parents=True, exist_ok=True)
    for path in sorted(folder.glob("*.jpg")):
        image = Image.open(path)
        half = image.width // 2
        image.crop((0, 0, half, image.height)).save(out / "photos" / path.name)
        image.crop((half, 0, 2 * half, image.height)).save(out / "labels" / path.name)
    return out / "labels", out / "photos"


def evaluate(run_dir, val, direction):
    """Per-pixel L1 of the run's translations of the validation labels, and the identity's."""
    import keras_gans
    from keras_gans.datasets import load_pairs

    model = keras_gans.load_model(Path(run_dir) / "checkpoints" / "latest.keras")
    pairs = load_pairs(val, batch_size=8, jitter=False, mirror=False, shuffle=False, swap=True)
    errors, identity = [], []
    for labels, photos in pairs.dataset:
        fake = model.translate(labels.numpy(), direction=direction)
        errors.append(np.abs(fake - photos.numpy()).mean(axis=(1, 2, 3)))
        identity.append(np.abs(labels.numpy() - photos.numpy()).mean(axis=(1, 2, 3)))
    return float(np.concatenate(errors).mean()), float(np.concatenate(identity).mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="the facades folder (train/, val/, test/)")
    parser.add_argument("--download", action="store_true", help="fetch it first")
    parser.add_argument("--epochs", type=int, default=200, help="the papers' 200")
    parser.add_argument("--runs", type=Path, default=Path("runs"))
    parser.add_argument("--families", default="pix2pix,cyclegan")
    args = parser.parse_args()
    import keras_gans_cli

    root = download(Path.home() / ".keras" / "datasets") if args.download else args.data
    if root is None:
        raise SystemExit("pass --data FOLDER (or --download)")
    check_layout(root)
    rows = []
    for family in args.families.split(","):
        run_dir = args.runs / f"facades-{family}"
        argv = ["train", "--arch", family, "--epochs", str(args.epochs), "--run-dir", str(run_dir)]
        if family == "cyclegan":
            labels, photos = split_halves(root / "train", args.runs / "facades-unpaired")
            argv += ["--data", str(labels), "--target", str(photos)]
            argv += ["--lr-decay-epochs", str(args.epochs // 2)]
        else:
            argv += ["--data", str(root / "train"), "--swap-domains"]
        start = time.perf_counter()
        if keras_gans_cli.main(argv) != 0:
            raise SystemExit(f"training {family} failed")
        seconds = time.perf_counter() - start
        error, identity = evaluate(run_dir, root / "val", "a2b")
        rows.append((family, error, identity, seconds))
    print("| family | val L1 (labels to photo) | identity | training s |")
    print("| --- | --- | --- | --- |")
    for family, error, identity, seconds in rows:
        print(f"| {family} | {error:.4f} | {identity:.4f} | {seconds:.0f} |")


if __name__ == "__main__":
    main()
