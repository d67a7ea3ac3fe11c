"""Score a trained GAN: FID, KID, Inception Score, SWD, MS-SSIM, precision/recall, memorisation.

RUN_OR_CHECKPOINT is a run directory (its latest checkpoint, or --checkpoint best) or a
`.keras` file. --n fakes are generated (seed --seed; conditional models draw their labels
from the real labels) and compared with --real (`digits`, a `.npz` file with an array `x`
and optional labels `y`, or any name or path `keras-gans train --data` takes). Features come
from --extractor: `auto` (default) takes `digits` (ships with keras-gans) for 8x8x1 images,
as `train --eval` does, else `inception-v3` (needs local weights); `none` compares raw
values; the Inception Score uses the extractor's `-logits` counterpart. Prints a table and
the extractor used; --json writes every value with the protocol behind it.
"""

from __future__ import annotations

import json
from pathlib import Path

from keras_gans_cli._common import (
    CommandError,
    add_standing_statistics_flag,
    apply_standing_statistics,
    check_noise_flag,
    default_extractor,
    extractor_unavailable,
    load_gan,
    positive_int,
    progress_verbose,
    seed_int,
)

HELP = "score a trained GAN against real data: fid, kid, is, swd, ms-ssim, pr, nn"

#: Metric names the command accepts -> canonical name.
METRICS = {
    "fid": "fid",
    "kid": "kid",
    "is": "is",
    "inception-score": "is",
    "swd": "swd",
    "ms-ssim": "ms-ssim",
    "pr": "pr",
    "precision-recall": "pr",
    "nn": "nn",
    "nearest-neighbours": "nn",
}
_NEEDS_REAL = {"fid", "kid", "swd", "pr", "nn"}
_NEEDS_FEATURES = {"fid", "kid", "pr"}
#: The fewest samples (per set) a metric is defined on: FID's covariance and KID's unbiased
#: MMD need 2, MS-SSIM a pair, precision/recall more than their k=3 and density_k=5.
_MIN_SAMPLES = {"fid": 2, "kid": 2, "ms-ssim": 2, "pr": 6}


def add_arguments(parser):
    parser.add_argument("source", metavar="RUN_OR_CHECKPOINT", help="run directory or .keras")
    parser.add_argument(
        "--checkpoint",
        choices=("latest", "best"),
        default="latest",
        help="which checkpoint of a run directory",
    )
    parser.add_argument(
        "--metrics", default="fid,kid", help="comma-separated: fid,kid,is,swd,ms-ssim,pr,nn"
    )
    parser.add_argument("--n", type=positive_int, default=10000, help="generated samples")
    parser.add_argument("--real", default="digits", help="digits | data.npz | a --data name/path")
    parser.add_argument("--n-real", type=positive_int, help="use at most this many real samples")
    parser.add_argument(
        "--extractor",
        default="auto",
        help="feature extractor (keras-gans list), none (raw values), or auto: digits for "
        "8x8x1 images, else inception-v3",
    )
    parser.add_argument("--seed", type=seed_int, default=0, help="latent and subset seed")
    parser.add_argument(
        "--batch-size", type=positive_int, default=256, help="images per generator/extractor pass"
    )
    parser.add_argument(
        "--kid-subsets", type=positive_int, default=100, help="KID: random subsets averaged"
    )
    parser.add_argument(
        "--kid-subset-size", type=positive_int, default=1000, help="KID: samples per subset"
    )
    parser.add_argument(
        "--is-splits", type=positive_int, default=10, help="Inception Score: splits of the fakes"
    )
    parser.add_argument(
        "--noise",
        choices=("const", "random"),
        help="stylegan, stylegan2: sample with the stored noise maps (const, as sample and "
        "export do) or fresh per-sample maps drawn from --seed (random, the papers' FID "
        "protocol) [const]",
    )
    parser.add_argument("--json", metavar="PATH", help="write the results and protocol here")
    add_standing_statistics_flag(parser)
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress output (progress bars only on a terminal; plain lines otherwise)",
    )


def parse_metrics(text):
    """`"fid,kid"` -> `["fid", "kid"]` (canonical names, in order, without repeats)."""
    chosen = []
    for part in text.split(","):
        key = part.strip().lower().replace("_", "-")
        if not key:
            continue
        if key not in METRICS:
            raise CommandError(
                f"--metrics must be comma-separated names from {', '.join(sorted(METRICS))}. "
                f"Received: {part.strip()!r}"
            )
        if METRICS[key] not in chosen:
            chosen.append(METRICS[key])
    if not chosen:
        raise CommandError(f"--metrics is empty. Received: {text!r}")
    return chosen


def _fallback_real(spec):
    """`digits` or a `.npz` with `x` (and `y`), when `keras_gans.datasets.load` is absent."""
    import numpy as np

    if spec.strip().lower() == "digits":
        from keras_gans.datasets import load_digits

        x, y = load_digits()
        return x, y, "digits: scikit-learn's 1,797 bundled 8x8 digits"
    path = Path(spec).expanduser()
    if path.suffix.lower() != ".npz" or not path.is_file():
        raise CommandError(f"--real must be 'digits' or an existing .npz file. Received: {spec!r}")
    with np.load(path) as data:
        if "x" not in data:
            raise CommandError(f"--real {spec!r} must hold an array 'x'. Found: {list(data)}")
        return data["x"], (data["y"] if "y" in data else None), str(path)


def load_real(spec, image_shape, batch_size):
    """`(x, y or None, description)` of the real data, as NumPy arrays."""
    import numpy as np

    from keras_gans import datasets

    if not hasattr(datasets, "load"):
        return _fallback_real(spec)
    size = tuple(image_shape[:2]) if len(image_shape) == 3 else None
    try:
        source = datasets.load(spec, image_size=size, batch_size=batch_size, shuffle=False)
    except (ValueError, TypeError, FileNotFoundError) as error:
        raise CommandError(f"--real {spec!r}: {error}") from error
    xs, ys = [], []
    for batch in source.dataset.as_numpy_iterator():
        x, y = batch if isinstance(batch, tuple) else (batch, None)
        xs.append(x)
        if y is not None:
            ys.append(y)
    y = np.concatenate(ys) if ys else None
    return np.concatenate(xs), y, source.description or spec


def _extractor_for_is(metrics, name):
    if name is None:
        raise CommandError(
            "--metrics is: the Inception Score needs a classifier, and --extractor none gives "
            "none. Use e.g. --extractor digits (its digits-logits classifies)."
        )
    logits = f"{name}-logits" if not name.endswith("-logits") else name
    if logits not in metrics.names():
        raise CommandError(
            f"--metrics is: the Inception Score needs a classifier, and no extractor named "
            f"{logits!r} goes with --extractor {name!r}. Installed extractors: "
            f"{', '.join(metrics.names())}"
        )
    return logits


def _resolve(metrics, name):
    try:
        return None if name is None else metrics.resolve_extractor(name)
    except FileNotFoundError as error:
        raise extractor_unavailable("--extractor", name, error) from error
    except (ImportError, ValueError) as error:
        raise CommandError(f"--extractor {name!r}: {error}") from error


def extractor_name(flag_value, shape):
    """The extractor `--extractor` names for samples of `shape` (`None` for `none`)."""
    name = flag_value.strip().lower()
    if name == "none":
        return None
    return default_extractor(shape) if name == "auto" else flag_value


def compute(args, chosen, model, checkpoint=None):
    """Runs the chosen metrics; returns `(results, real_description, extractor_name)`."""
    import numpy as np

    from keras_gans import metrics

    verbose = progress_verbose(args.quiet)
    fake_shape = tuple(model.generator.output_shape[1:])
    used = extractor_name(args.extractor, fake_shape)
    extractor = _resolve(metrics, used) if _NEEDS_FEATURES & set(chosen) else None
    classifier = _resolve(metrics, _extractor_for_is(metrics, used)) if "is" in chosen else None
    real_x = real_y = None
    description = None
    if _NEEDS_REAL & set(chosen) or model.conditional:
        real_x, real_y, description = load_real(args.real, fake_shape, args.batch_size)
        if args.n_real is not None:
            real_x = real_x[: args.n_real]
            real_y = None if real_y is None else real_y[: args.n_real]
    labels = None
    if model.conditional:
        if real_y is None:
            raise CommandError(
                f"The model is conditional but --real {args.real!r} has no labels to draw the "
                "fakes' labels from."
            )
        labels = np.random.default_rng(args.seed).choice(real_y, size=args.n, replace=True)
    # Re-measured only once the real data has been read: it runs the generator BATCHES times.
    apply_standing_statistics(model, args.standing_statistics, args.seed, checkpoint=checkpoint)
    noise = {} if args.noise is None else {"noise": args.noise}
    fake = model.generate(
        args.n, seed=args.seed, labels=labels, batch_size=args.batch_size, **noise
    )
    real_f = fake_f = None
    if _NEEDS_FEATURES & set(chosen):
        try:
            real_f = metrics.extract_features(real_x, extractor, args.batch_size, verbose, "real")
            fake_f = metrics.extract_features(fake, extractor, args.batch_size, verbose, "fake")
        except ValueError as error:
            raise CommandError(f"--extractor {used!r}: {error}") from error
    runners = {
        "fid": lambda: metrics.fid(real_f, fake_f, extractor=None),
        "kid": lambda: metrics.kid(
            real_f,
            fake_f,
            extractor=None,
            subsets=args.kid_subsets,
            subset_size=args.kid_subset_size,
            seed=args.seed,
        ),
        "pr": lambda: metrics.precision_recall(real_f, fake_f, extractor=None),
        "is": lambda: metrics.inception_score(
            fake,
            classifier,
            splits=args.is_splits,
            batch_size=args.batch_size,
            verbose=verbose,
        ),
        "swd": lambda: metrics.sliced_wasserstein(real_x, fake, seed=args.seed),
        "ms-ssim": lambda: metrics.ms_ssim_diversity(fake, labels=labels, seed=args.seed),
        "nn": lambda: metrics.nearest_neighbours(real_x, fake, extractor=None),
    }
    results = {}
    for name in chosen:
        try:
            results[name] = runners[name]()
        except ValueError as error:
            raise CommandError(f"--metrics {name}: {error}") from error
    return results, description, used


def _table(results):
    rows = [("metric", "value", "std")]
    for result in results.values():
        scalars = result.scalars()
        for key, value in scalars.items():
            if key.endswith("_std") and key[:-4] in scalars:
                continue
            std = scalars.get(f"{key}_std")
            rows.append((key, f"{value:.6g}", "-" if std is None else f"{std:.3g}"))
    width = max(len(row[0]) for row in rows)
    return "\n".join(f"{a:<{width}}  {b:>12}  {c:>10}" for a, b, c in rows)


def _versions():
    import keras
    import numpy
    import tensorflow

    from keras_gans import __version__

    return {
        "keras_gans": __version__,
        "keras": keras.__version__,
        "tensorflow": tensorflow.__version__,
        "numpy": numpy.__version__,
    }


def _check_json(text):
    """The `--json` path can be written (checked before any work)."""
    if text is None:
        return None
    out = Path(text)
    if not text.strip() or out.is_dir():
        raise CommandError(f"--json must be a file path. Received: --json {text!r}")
    if not out.parent.is_dir():
        what = "is a file" if out.parent.exists() else "does not exist"
        raise CommandError(f"--json: the folder {str(out.parent)!r} {what}. Received: {text!r}")
    return out


def run(args) -> int:
    chosen = parse_metrics(args.metrics)
    out = _check_json(args.json)
    need = max((_MIN_SAMPLES.get(name, 1) for name in chosen), default=1)
    for flag, value in (("--n", args.n), ("--n-real", args.n_real)):
        if value is not None and value < need:
            raise CommandError(
                f"{flag} must be at least {need} for --metrics {','.join(chosen)}. "
                f"Received: {flag} {value}"
            )
    if "is" in chosen and args.is_splits > args.n:
        raise CommandError(
            f"--is-splits must be at most --n ({args.n}): each split scores its own fakes. "
            f"Received: --is-splits {args.is_splits}"
        )
    if args.extractor.strip().lower() not in ("auto", "none"):
        from keras_gans_cli._plugins import check_name

        check_name("--extractor", args.extractor, "keras_gans.feature_extractors")
    model, checkpoint = load_gan(args.source, args.checkpoint, args.debug)
    check_noise_flag(model, args.noise)
    results, description, extractor = compute(args, chosen, model, checkpoint)
    print(f"{checkpoint}: {args.n} generated vs {description or 'no real data'}")
    if {"is", *_NEEDS_FEATURES} & set(chosen):
        how = " (auto)" if args.extractor.strip().lower() == "auto" else ""
        print(f"extractor: {extractor or 'none (raw values)'}{how}")
    print(_table(results))
    if out is not None:
        entries = {}
        for name, result in results.items():
            entry = result.to_dict()
            entry.pop("indices", None)  # per-sample arrays would dwarf the file
            entry.pop("distances", None)
            entries[name] = entry
        report = {
            "checkpoint": str(checkpoint),
            "real": description,
            "n_fake": args.n,
            "seed": args.seed,
            "noise": args.noise,
            "extractor": extractor or "none",
            "results": entries,
            "versions": _versions(),
        }
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {out}")
    return 0
