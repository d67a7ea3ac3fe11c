"""The GPU recipe of the style families (issue 17, item 8): CIFAR-10 FID under one protocol.

Run on demand, on a machine with a GPU (hours; never in CI)::

    python benchmarks/style_cifar10.py --cifar ~/.keras/datasets/cifar-10-batches-py.tar.gz
    python benchmarks/style_cifar10.py --download --families sagan biggan --epochs 200
    python benchmarks/style_cifar10.py --smoke          # minutes on a CPU: checks the recipe

Every family (and the core `dcgan` as the baseline) is trained the way a user trains it,
with `keras-gans train --arch NAME --data cifar10-train.npz --resolution 32`, its paper's
optimizer settings (the architecture's `optimizer_defaults`) and label conditioning where
the family is conditional, then scored with `keras-gans evaluate --standing-statistics 100`
(batch-norm statistics re-measured over 100 fresh batches, as BigGAN samples; a no-op for
the families without batch norm) on 10,000 generated images
against the 10,000 CIFAR-10 test images with the `inception-v3-fid` extractor (the 2015
TensorFlow Inception graph that published FIDs use). That is the protocol of the
PyTorch-StudioGAN tables (10K test against 10K generated), whose figures the results table
prints beside ours where it has one: DCGAN 49.0, WGAN-GP 25.9, SNGAN 13.2, BigGAN 8.0 (its
README at tag v0.3.0; FIDs compare only under one protocol). SAGAN is set beside SNGAN, its
unconditional, attention-free relative.

Data: `--cifar` takes the Keras download (`cifar-10-batches-py.tar.gz`, or the extracted
folder) or a `.npz` with `x_train`, `y_train`, `x_test`, `y_test`; `--download` fetches it
with `keras.datasets.cifar10` (the only network access). `--smoke` uses the bundled digits,
upscaled to 32x32 and repeated to 3 channels, as a stand-in, one epoch and the digits
extractor: it checks that every family's command line runs end to end at 32x32, nothing more.

Results: one line per family in `RESULTS/style-cifar10.md` (and `.json`), with the epochs,
the wall time and the training images per second.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pickle
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
#: StudioGAN (v0.3.0) CIFAR-10 FIDs, 10K test vs 10K generated (docs: shared facts).
STUDIOGAN_FID = {"dcgan": ("DCGAN", 49.0), "sagan": ("SNGAN", 13.2), "biggan": ("BigGAN", 8.0)}
#: Per family: command-line arguments beyond the shared ones. Label-conditional families
#: condition on the CIFAR-10 classes; the others are trained unconditionally.
FAMILIES = {
    "dcgan": ["--conditional", "no"],
    "lapgan": ["--conditional", "yes"],
    "stackgan": ["--conditional", "yes"],
    "progan": ["--conditional", "no"],
    # The paper's mapping lr multiplier (StyleGAN's default is 1.0 at 32x32 and below,
    # measured on short CPU runs; StyleGAN2-ADA's CIFAR-10 configuration keeps 0.01).
    "stylegan": ["--conditional", "no", "--arch-arg", "mapping_lr_multiplier=0.01"],
    "stylegan2": ["--conditional", "no"],
    "sagan": ["--conditional", "no"],
    "biggan": ["--conditional", "yes"],
    "tac-gan": ["--conditional", "yes"],
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--cifar", type=Path, help="the CIFAR-10 archive, folder or .npz")
    source.add_argument("--download", action="store_true", help="fetch CIFAR-10 with Keras")
    source.add_argument("--smoke", action="store_true", help="digits stand-in, tiny run")
    parser.add_argument(
        "--families", nargs="+", choices=list(FAMILIES), default=list(FAMILIES),
        help="families to train (default: all, with the dcgan baseline)",
    )  # fmt: skip
    parser.add_argument("--epochs", type=int, default=100, help="epochs per family [100]")
    parser.add_argument("--batch-size", type=int, default=64, help="[64]")
    parser.add_argument("--n", type=int, default=10_000, help="generated images scored [10000]")
    parser.add_argument("--seed", type=int, default=0, help="[0]")
    parser.add_argument(
        "--results", type=Path, default=HERE / "results", help="[benchmarks/results]"
    )
    parser.add_argument("--python", default=sys.executable, help="the Python that runs the CLI")
    args = parser.parse_args(argv)
    if not (args.cifar or args.download or args.smoke):
        parser.error("give --cifar PATH, --download or --smoke")
    for name in ("epochs", "batch_size", "n"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if args.cifar is not None and not args.cifar.exists():
        parser.error(f"--cifar: no such file or folder: {args.cifar}")
    return args


def read_cifar(path):
    """`(x_train, y_train, x_test, y_test)` as uint8 NHWC images and int labels.

    `path`: the Keras archive `cifar-10-batches-py.tar.gz`, its extracted folder, or a `.npz`
    with those four arrays. The pickled batches hold only arrays and lists; they are read
    with a restricted unpickler that refuses every global but NumPy's array reconstruction.
    """
    path = Path(path)
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as data:
            return tuple(data[k] for k in ("x_train", "y_train", "x_test", "y_test"))
    members = {}
    if path.is_dir():
        for file in path.rglob("*_batch*"):
            members[file.name] = file.read_bytes()
    else:
        with tarfile.open(path) as archive:
            for member in archive.getmembers():
                name = os.path.basename(member.name)
                if member.isfile() and ("data_batch" in name or name == "test_batch"):
                    members[name] = archive.extractfile(member).read()
    train = [members.get(f"data_batch_{i}") for i in range(1, 6)]
    if any(part is None for part in train) or "test_batch" not in members:
        raise ValueError(f"--cifar: {path} lacks data_batch_1..5 or test_batch")

    def batch(raw):
        record = _NoClasses(raw).load()
        x = np.asarray(record[b"data"], np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return x, np.asarray(record[b"labels"], np.int64)

    parts = [batch(raw) for raw in train]
    x_test, y_test = batch(members["test_batch"])
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        x_test,
        y_test,
    )


#: The only globals a CIFAR-10 batch names: NumPy's array reconstruction (Python 2's pickle
#: of an `ndarray`, under NumPy 1's module name or NumPy 2's).
_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
}


class _NoClasses(pickle.Unpickler):
    """Unpickles containers, scalars and NumPy arrays only: a crafted file cannot run code."""

    def __init__(self, raw):
        super().__init__(io.BytesIO(raw), encoding="bytes")

    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a CIFAR batch")


def smoke_data():
    """Digits upscaled to 32x32x3 uint8, split 1,500 / 297: the `--smoke` stand-in."""
    import tensorflow as tf

    from keras_gans.datasets import load_digits

    x, y = load_digits()
    x = tf.image.resize(x, (32, 32), method="bilinear", antialias=True).numpy().clip(-1, 1)
    x = np.repeat(((x + 1) * 127.5).round().astype(np.uint8), 3, axis=-1)
    return x[:1500], y[:1500], x[1500:], y[1500:]


def run(command, log):
    """Runs `command`, appending its output to `log`; returns (exit status, seconds)."""
    start = time.perf_counter()
    with open(log, "a") as out:
        out.write("$ " + " ".join(map(str, command)) + "\n")
        out.flush()
        status = subprocess.call(list(map(str, command)), stdout=out, stderr=subprocess.STDOUT)
    return status, time.perf_counter() - start


def main(argv=None):
    args = parse_args(argv)
    args.results.mkdir(parents=True, exist_ok=True)
    work = args.results / "style-cifar10"
    work.mkdir(exist_ok=True)
    if args.smoke:
        arrays, epochs, n, extractor = smoke_data(), 1, min(args.n, 500), "digits"
    else:
        if args.download:
            import keras

            (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
            arrays = (x_train, y_train.ravel(), x_test, y_test.ravel())
        else:
            arrays = read_cifar(args.cifar)
        epochs, n, extractor = args.epochs, args.n, "inception-v3-fid"
    x_train, y_train, x_test, y_test = arrays
    train_file, test_file = work / "train.npz", work / "test.npz"
    np.savez(train_file, x=x_train, y=y_train)
    np.savez(test_file, x=x_test, y=y_test)
    print(f"data: {len(x_train):,} training and {len(x_test):,} test images {x_train.shape[1:]}")
    log = work / "log.txt"
    rows = []
    for family in args.families:
        run_dir = work / family
        train = [
            args.python, "-m", "keras_gans_cli", "train", "--arch", family,
            "--data", train_file, "--resolution", 32, "--epochs", epochs,
            "--batch-size", args.batch_size, "--seed", args.seed, "--run-dir", run_dir,
            "--no-tensorboard", *FAMILIES[family],
        ]  # fmt: skip
        status, seconds = run(train, log)
        row = {"family": family, "epochs": epochs, "train_s": round(seconds, 1)}
        row["images_per_s"] = round(len(x_train) * epochs / seconds, 1)
        if status == 0:
            scores = work / f"{family}.json"
            evaluate = [
                args.python, "-m", "keras_gans_cli", "evaluate", run_dir, "--real", test_file,
                "--n", n, "--extractor", extractor, "--metrics", "fid,kid", "--seed",
                args.seed, "--json", scores, "--quiet", "--standing-statistics", 100,
            ]  # fmt: skip
            status, _ = run(evaluate, log)
            if status == 0:
                report = json.loads(scores.read_text())["results"]
                row.update({name: report[name]["value"] for name in ("fid", "kid")})
        row["status"] = "ok" if status == 0 else f"failed (exit {status}; see {log})"
        rows.append(row)
        print(json.dumps(row), flush=True)
    write_table(rows, args, extractor, n)


def write_table(rows, args, extractor, n):
    lines = [
        f"CIFAR-10 at 32x32, batch {args.batch_size}, seed {args.seed}; FID/KID of {n:,} "
        f"generated against the test images, `{extractor}` features"
        + (" (SMOKE: digits stand-in, not CIFAR-10)" if args.smoke else ""),
        "",
        "| family | epochs | FID | KID | StudioGAN FID (same protocol) | train time | images/s "
        "| status |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        fid, kid = _value(row, "fid"), _value(row, "kid")
        reference = None if args.smoke else STUDIOGAN_FID.get(row["family"])
        ref = f"{reference[1]} ({reference[0]})" if reference else "-"
        lines.append(
            f"| {row['family']} | {row['epochs']} | {fid} | {kid} | {ref} | "
            f"{row['train_s']:.0f} s | {row['images_per_s']:,.0f} | {row['status']} |"
        )
    table = "\n".join(lines) + "\n"
    (args.results / "style-cifar10.md").write_text(table)
    (args.results / "style-cifar10.json").write_text(json.dumps(rows, indent=1))
    print(table)


def _value(row, name):
    value = row.get(name)
    return "-" if value is None else f"{float(value):.2f}"


if __name__ == "__main__":
    main()
