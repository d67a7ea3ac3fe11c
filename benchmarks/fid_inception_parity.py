"""Parity of `inception-v3-fid` with pytorch-fid's FID Inception, on random weights.

A one-off check, not a test and not a dependency: torch and pytorch-fid live in a separate
environment. Two halves share a folder::

    # 1. under an environment with torch + pytorch-fid (e.g. /tmp/torchenv):
    /tmp/torchenv/bin/python benchmarks/fid_inception_parity.py torch /tmp/fid_parity
    # 2. under keras-gans' environment:
    .venv/bin/python benchmarks/fid_inception_parity.py keras /tmp/fid_parity

The torch half builds pytorch-fid's `InceptionV3([3])` (its `fid_inception_v3`: torchvision's
layout with the FID blocks) but never downloads: `load_state_dict_from_url` is replaced by a
function returning the model's own random state dict. Its batch-norm scales and shifts
are drawn at random, the statistics calibrated on images (one pass in training mode, so
activations keep a sensible scale through the 94 layers) and then perturbed at random
(means shifted by 0.2 sd, variances scaled by 0.7 to 1.4). It saves that state dict in
both torch formats (zip and legacy), its arrays as `.npz`, the test images (NHWC, in
[0, 1]), pytorch-fid's pool_3 features in float32 and float64, and PyTorch's bilinear
resize of one set.

The keras half reads both files with `keras_gans.metrics.torch_weights` (checked equal to
the `.npz`, bit for bit), builds the extractor with them, feeds the images mapped to
[-1, 1], and prints the differences to pytorch-fid's features. The float64 torch run gives
the float32 noise floor: torch float32 vs float64 is what float32 alone costs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

#: name -> (count, side): upsampled (32, 64), as is (299), downsampled without antialias (400).
SETS = {"s32": (8, 32), "s64": (4, 64), "s299": (4, 299), "s400": (3, 400)}


def _images(rng, count, side):
    """Smooth random images in [0, 1] with some pixel noise: low-frequency noise upsampled."""
    coarse = rng.uniform(0, 1, size=(count, 3, 5, 5))
    grid = np.linspace(0, 4, side)
    i0 = np.minimum(grid.astype(int), 3)
    t = grid - i0
    rows = (
        coarse[:, :, i0] * (1 - t)[None, None, :, None]
        + coarse[:, :, i0 + 1] * t[None, None, :, None]
    )
    smooth = rows[..., i0] * (1 - t) + rows[..., i0 + 1] * t
    noisy = smooth + rng.normal(0, 0.08, size=smooth.shape)
    return np.clip(noisy, 0, 1).astype("float32")  # NCHW


def torch_half(folder, seed):
    import pytorch_fid
    import pytorch_fid.inception as fid_module
    import torch
    import torchvision

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    built = {}
    build = fid_module._inception_v3

    def capture(*args, **kwargs):
        built["model"] = build(*args, **kwargs)
        return built["model"]

    def own_state_dict(url, *args, **kwargs):  # never downloads
        built["url"] = url
        return built["model"].state_dict()

    fid_module._inception_v3 = capture
    fid_module.load_state_dict_from_url = own_state_dict
    model = fid_module.InceptionV3([fid_module.InceptionV3.BLOCK_INDEX_BY_DIM[2048]])
    inception = built["model"]
    norms = [m for m in inception.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # cumulative average: after one batch, that batch's statistics
    model.train()
    with torch.no_grad():
        for norm in norms:
            c = norm.num_features
            norm.weight.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, c).astype("float32")))
            norm.bias.copy_(torch.from_numpy(rng.normal(0, 0.2, c).astype("float32")))
        model(torch.from_numpy(_images(rng, 8, 64)))
        for norm in norms:
            c = norm.num_features
            shift = rng.normal(0, 0.2, c).astype("float32")
            norm.running_mean.add_(torch.from_numpy(shift) * norm.running_var.sqrt())
            norm.running_var.mul_(torch.from_numpy(rng.uniform(0.7, 1.4, c).astype("float32")))
    model.eval()
    state = inception.state_dict()
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(state, folder / "state_zip.pth")
    torch.save(state, folder / "state_legacy.pth", _use_new_zipfile_serialization=False)
    np.savez(folder / "state.npz", **{k: v.numpy() for k, v in state.items()})
    arrays = {}
    with torch.no_grad():
        for name, (count, side) in SETS.items():
            images = _images(rng, count, side)
            arrays[f"{name}_images"] = images.transpose(0, 2, 3, 1)
            x = torch.from_numpy(images)
            arrays[f"{name}_f32"] = model(x)[0].reshape(count, -1).numpy()
            arrays[f"{name}_f64"] = model.double()(x.double())[0].reshape(count, -1).numpy()
            model.float()
        resized = torch.nn.functional.interpolate(
            torch.from_numpy(arrays["s32_images"].transpose(0, 3, 1, 2)),
            size=(299, 299),
            mode="bilinear",
            align_corners=False,
        )
        arrays["s32_resized"] = resized.numpy().transpose(0, 2, 3, 1)
    np.savez(folder / "torch_outputs.npz", **arrays)
    info = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "pytorch_fid": pytorch_fid.__version__,
        "python": platform.python_version(),
        "weights_url_not_downloaded": built["url"],
        "state_dict_keys": len(state),
        "seed": seed,
    }
    (folder / "torch_info.json").write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info, indent=2))


def keras_half(folder):
    import keras
    import tensorflow as tf
    from keras import ops

    from keras_gans.metrics import fid_inception, torch_weights

    info = json.loads((folder / "torch_info.json").read_text())
    reference = dict(np.load(folder / "state.npz"))
    states = {}
    for kind in ("zip", "legacy"):
        start = time.perf_counter()
        states[kind] = torch_weights.load_state_dict(folder / f"state_{kind}.pth")
        seconds = time.perf_counter() - start
        same = states[kind].keys() == reference.keys() and all(
            np.array_equal(states[kind][k], reference[k]) and states[kind][k].dtype == v.dtype
            for k, v in reference.items()
        )
        print(
            f"reader, {kind} format: {len(states[kind])} arrays, bit-identical: {same} "
            f"({seconds:.2f} s)"
        )
    outputs = dict(np.load(folder / "torch_outputs.npz"))
    ours = keras.ops.convert_to_numpy(
        ops.image.resize(outputs["s32_images"] * 2 - 1, (299, 299), interpolation="bilinear")
    )
    resize_error = np.abs(ours - (outputs["s32_resized"] * 2 - 1)).max()
    print(f"resize 32 -> 299, max |keras - F.interpolate| (in [-1, 1]): {resize_error:.2e}")
    network = fid_inception.build_fid_inception()
    fid_inception.load_fid_weights(network, states["legacy"], source="legacy file")
    extractor = fid_inception._extractor(network)
    rows = []
    for name, (count, side) in SETS.items():
        ours = extractor.extract(outputs[f"{name}_images"] * 2 - 1, verbose=0).values
        f32, f64 = outputs[f"{name}_f32"], outputs[f"{name}_f64"]
        scale = np.abs(f64).max()
        rows.append(
            (
                f"{count} x {side}x{side}",
                np.abs(ours - f64).max(),
                np.abs(ours - f64).max() / scale,
                np.abs(ours - f32).max() / scale,
                np.abs(f32 - f64).max() / scale,
                scale,
            )
        )
    print(
        f"\ntorch {info['torch']}, torchvision {info['torchvision']}, pytorch-fid "
        f"{info['pytorch_fid']}; keras {keras.__version__}, tensorflow {tf.__version__}, "
        f"numpy {np.__version__}"
    )
    print("features: max |difference| over all 2048 x n values; relative = / max |feature|")
    header = (
        "images",
        "ours-torch64 abs",
        "ours-torch64 rel",
        "ours-torch32 rel",
        "torch32-torch64 rel",
        "max |feature|",
    )
    print(" | ".join(header))
    for label, *values in rows:
        print(" | ".join([label] + [f"{v:.2e}" for v in values]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("half", choices=("torch", "keras"), help="which half to run")
    parser.add_argument("folder", type=Path, help="where the torch half writes its files")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.half == "torch":
        torch_half(args.folder, args.seed)
    else:
        keras_half(args.folder)


if __name__ == "__main__":
    main()
