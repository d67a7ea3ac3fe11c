"""CoGAN and SimGAN on digits-edges: does each mechanism do what its paper says?

Run on demand (this is not a test)::

    python benchmarks/image2image_baselines.py                    # seed 0, 10-20 minutes
    python benchmarks/image2image_baselines.py --families cogan --epochs-scale 0.5
    python benchmarks/image2image_baselines.py --markdown t.md --pictures docs/image2image

The data and the training are those of `benchmarks/image2image_comparison.py` (whose
functions this script reuses): `digits-edges` at 16x16, domain A (digits) from
`split="train-a"`, domain B (edge maps) from `split="train-b"`, Adam(2e-4, 0.5), batch 64,
the 359 held-out test digits for every measurement.

- **CoGAN, weight sharing** (Liu & Tuzel's claim: sharing the high-level layers is what
  makes `(G_A(z), G_B(z))` a corresponding pair). For 1,000 latents, the *pair error* is the
  mean absolute difference between `G_B(z)` and the task's own edge map of `G_A(z)` (the
  Sobel transform that made domain B, applied to the generated digit): low when the pair
  corresponds. `cogan` against the same networks with `shared_weights=False`. Both also
  translate the test edge maps to digits (`translate(b, "b2a")`) and the bundled digits
  classifier reads them (the comparison's metric).
- **SimGAN, self-regularisation** (Shrivastava et al.: `lambda * |R(x) - x|` keeps the
  refined image's content). Refiners trained edges -> digits with `lambda` = 0 (a plain
  local GAN), 0.5 (the default), 2.0, and in feature space (feature loss + GAN): classifier
  accuracy on the refined test edge maps, their mean absolute distance to the input
  (`|R(x) - x|`) and to the ground-truth digits.

`--pictures DIR` writes `cogan.png` (rows: `G_A(z)`, `G_B(z)` shared; the same unshared;
test edge maps, their `b2a` translation, the ground truth) and `simgan.png` (test edge
maps, the refinements with each `lambda`, the ground truth).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import image2image_comparison as comparison  # benchmarks/image2image_comparison.py
from machine import cpu_name, usable_cores

SIMGAN_VARIANTS = {
    "lambda 0 (no self-regularisation)": {"self_regularization_weight": 0.0},
    "lambda 0.5, pixels (SimGAN, default)": {},
    "lambda 2.0, pixels": {"self_regularization_weight": 2.0},
    "lambda 0.5, features (feature loss + GAN)": {"self_regularization": "features"},
}


def pair_error(model, n=1000, seed=7):
    """Mean |G_B(z) - edges(G_A(z))| over `n` latents (pixels in [-1, 1])."""
    import numpy as np

    from keras_gans.datasets.translation_tasks import _edges  # the task's own transform

    a, b = model.generate(n, seed=seed)
    unit = (np.clip(a[..., 0], -1.0, 1.0) + 1.0) / 2.0
    expected = _edges(unit)[..., None] * 2.0 - 1.0
    return float(np.mean(np.abs(b - expected)))


def run_cogan(task, seed, args, classifier):
    import keras

    results, pictures = [], []
    epochs = max(1, round(comparison.EPOCHS["cogan"] * args.epochs_scale))
    for shared in (True, False):
        keras.utils.set_random_seed(seed)
        start = time.perf_counter()
        model, translate = comparison.train_cogan(task, epochs, seed, args, shared_weights=shared)
        seconds = time.perf_counter() - start
        translated = translate(task["b_test"])
        results.append({
            "family": "cogan", "variant": "shared (CoGAN)" if shared else "not shared",
            "seed": seed, "epochs": epochs, "train_seconds": seconds,
            "pair_error": pair_error(model),
            "accuracy": comparison.accuracy(translated, task["labels"], classifier),
        })  # fmt: skip
        a, b = model.generate(12, seed=3)
        pictures += [a, b]
        if shared:
            tail = [task["b_test"][:12], translated[:12], task["a_test"][:12]]
        print(_line(results[-1]), flush=True)
    return results, pictures + tail


def run_simgan(task, seed, args, classifier):
    import keras
    import numpy as np

    results, pictures = [], [task["b_test"][:12]]
    epochs = max(1, round(comparison.EPOCHS["simgan"] * args.epochs_scale))
    for variant, keywords in SIMGAN_VARIANTS.items():
        keras.utils.set_random_seed(seed)
        start = time.perf_counter()
        _, translate = comparison.train_simgan(task, epochs, seed, args, **keywords)
        seconds = time.perf_counter() - start
        refined = translate(task["b_test"])
        results.append({
            "family": "simgan", "variant": variant, "seed": seed, "epochs": epochs,
            "train_seconds": seconds,
            "accuracy": comparison.accuracy(refined, task["labels"], classifier),
            "distance_to_input": float(np.mean(np.abs(refined - task["b_test"]))),
            "distance_to_truth": float(np.mean(np.abs(refined - task["a_test"]))),
        })  # fmt: skip
        pictures.append(refined[:12])
        print(_line(results[-1]), flush=True)
    return results, pictures + [task["a_test"][:12]]


def _line(result):
    values = ", ".join(
        f"{k} {v:.3f}" for k, v in result.items() if isinstance(v, float) and k != "train_seconds"
    )
    return (
        f"{result['family']} {result['variant']} seed {result['seed']}: {values} "
        f"({result['epochs']} epochs, {result['train_seconds']:.0f} s)"
    )


def markdown(results, references, args):
    lines = []
    cogan = [r for r in results if r["family"] == "cogan"]
    if cogan:
        lines += [
            "| CoGAN | pair error |G_B(z) - edges(G_A(z))| (lower: the pair corresponds) "
            "| accuracy of b2a translations | training time |",
            "| --- | --- | --- | --- |",
            *[
                f"| {r['variant']} | {r['pair_error']:.3f} | {r['accuracy']:.3f} "
                f"| {r['train_seconds']:.0f} s |"
                for r in cogan
            ],  # fmt: skip
            "",
        ]
    simgan = [r for r in results if r["family"] == "simgan"]
    if simgan:
        lines += [
            "| SimGAN refiner (edges -> digits) | accuracy | mean |R(x) - x| | mean "
            "|R(x) - ground truth| | training time |",
            "| --- | --- | --- | --- | --- |",
            f"| identity (no refiner) | {references['identity']:.3f} | 0 | "
            f"{references['identity_to_truth']:.3f} | - |",
            *[
                f"| {r['variant']} | {r['accuracy']:.3f} | {r['distance_to_input']:.3f} | "
                f"{r['distance_to_truth']:.3f} | {r['train_seconds']:.0f} s |"
                for r in simgan
            ],  # fmt: skip
            "",
        ]
    epochs = {r["family"]: r["epochs"] for r in results}
    lines.append(
        f"digits-edges at {args.image_size}x{args.image_size}, seed {args.seeds}, epochs "
        f"{epochs}, batch 64, Adam(2e-4, 0.5); {cpu_name()} ({usable_cores()} cores)."
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", default="cogan,simgan")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--image-size", type=int, default=16)
    parser.add_argument("--epochs-scale", type=float, default=1.0)
    parser.add_argument("--latent-dim", type=int, default=64)
    parser.add_argument("--cogan-steps", type=int, default=300)
    parser.add_argument("--markdown")
    parser.add_argument("--json")
    parser.add_argument("--pictures")
    args = parser.parse_args(argv)
    families = args.families.split(",")

    import numpy as np

    from keras_gans.images import save_image_grid
    from keras_gans.metrics import load_digits_classifier

    task = comparison.load_task(args.image_size)
    classifier = load_digits_classifier()
    references = {
        "identity": comparison.accuracy(task["b_test"], task["labels"], classifier),
        "identity_to_truth": float(np.mean(np.abs(task["b_test"] - task["a_test"]))),
    }
    results = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        for family, run in (("cogan", run_cogan), ("simgan", run_simgan)):
            if family not in families:
                continue
            found, rows = run(task, seed, args, classifier)
            results += found
            if args.pictures and seed == int(args.seeds.split(",")[0]):
                path = Path(args.pictures) / f"{family}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                grid = np.concatenate([np.clip(r, -1.0, 1.0) for r in rows])
                save_image_grid(grid, path, rows=len(rows), scale=3)
                print(f"wrote {path}")
    text = markdown(results, references, args)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    if args.json:
        meta = {"args": vars(args), "machine": cpu_name(), "cores": usable_cores()}
        payload = {"meta": meta, "references": references, "results": results}
        Path(args.json).write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
