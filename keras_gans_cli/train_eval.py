"""What `keras-gans train` measures while it trains: `--eval` callbacks and `best.keras`'s
default quality."""

from __future__ import annotations

from keras_gans_cli._common import CommandError


def default_quality(config, source, args):
    """Without --monitor, `best.keras` follows a quality the run measures, or is not kept.

    The lowest loss is no measure of sample quality (a 10-epoch run's lowest g_loss was
    epoch 3's noise), so: KID on the digits extractor (every 5 epochs) for 8x8 grey data
    such as the bundled digits, else the FID or KID that --eval asks for, else none (only
    `latest.keras`). Returns the line saying which; the choice goes into config.json.
    """
    if config["eval"] is None and tuple(source.shape) == (8, 8, 1):
        if "target_shape" not in source.metadata:
            config["eval"], config["eval_every"] = "kid", args.eval_every or 5
    names = (config["eval"] or "").split(",")
    key = next((f"val_{name}" for name in ("kid", "fid") if name in names), None)
    config["monitor"], config["monitor_mode"] = key, "min"
    if key is None:
        return (
            "best.keras: not kept, as the run measures no sample quality (add --eval kid to "
            "keep the lowest-KID epoch); sampling uses latest.keras"
        )
    every = config["eval_every"]
    return f"best.keras: the lowest {key}, measured every {every} epochs and after the last"


def eval_logged(config):
    names = [] if config["eval"] is None else config["eval"].split(",")
    logged = {"fid": ["val_fid"], "kid": ["val_kid", "val_kid_std"]}
    logged["precision_recall"] = ["val_precision", "val_recall", "val_density", "val_coverage"]
    return [key for name in names for key in logged[name]]


def eval_callbacks(config, source):
    if config["eval"] is None:
        return []
    import math

    from keras_gans import metrics
    from keras_gans.callbacks import GANMetricsCallback
    from keras_gans_cli._common import default_extractor, extractor_unavailable

    extractor = config["eval_extractor"] or default_extractor(source.shape)
    try:
        extractor = metrics.resolve_extractor(extractor)
    except FileNotFoundError as error:
        raise extractor_unavailable("--eval-extractor", extractor, error) from error
    except ValueError as error:
        raise CommandError(f"--eval-extractor {extractor}: {error}") from None
    batches = math.ceil(config["eval_samples"] / config["batch_size"])
    return [
        GANMetricsCallback(
            source.dataset.take(batches),
            metrics=tuple(config["eval"].split(",")),
            extractor=extractor,
            every_n_epochs=config["eval_every"],
            n_samples=config["eval_samples"],
            seed=config["seed"],
        )
    ]
