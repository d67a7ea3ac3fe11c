"""Train a GAN from flags and leave a run directory (checkpoints, samples, metrics, plots).

With no flags, trains the embedded default: a label-conditioned DCGAN on scikit-learn's
bundled 8x8 handwritten digits (60 epochs, about a minute on 2 CPU cores). Flags map
one-to-one onto constructor arguments: `--arch`/`--arch-arg` onto the architecture plugin,
`--loss`/`--loss-arg` onto the loss plugin, `--d-lr`/`--g-lr`/`--beta1`/`--beta2` onto the
two Adam optimizers, `--d-steps` onto `GANModel.compile`, `--batch-size`/`--epochs` onto
`fit`. `--resume RUN` continues a run where it stopped.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from keras_gans_cli import train_strategy, translation
from keras_gans_cli._common import CommandError, import_keras_gans, jsonable
from keras_gans_cli.train_eval import default_quality, eval_callbacks, eval_logged
from keras_gans_cli.train_flags import (  # noqa: F401 - HELP and add_arguments serve main()
    ADAM_DEFAULTS,
    DEFAULTS,
    HELP,
    RESUMABLE,
    _given,
    add_arguments,
    resolve_config,
)
from keras_gans_cli.train_resume import check_epochs_change, check_resume_flags, learning_rates


def run(args) -> int:
    if args.resume is not None:
        check_resume_flags(args)
        train_strategy.check({"strategy": args.strategy or "none"}, args)
    else:
        config = resolve_config(args)
    keras_gans = import_keras_gans(args.debug)
    from keras_gans.callbacks import StopSignals

    # The strategy comes before any TensorFlow op (MultiWorkerMirroredStrategy needs that).
    worker = train_strategy.Worker("none" if args.dry_run else args.strategy or "none")
    try:
        if args.resume is not None:
            return _resume(keras_gans, args, worker)
        if worker.name == "multi-worker" and Path(args.run_dir, "config.json").exists():
            # The job started again after a failure: it continues the run (and its backup).
            return _resume(keras_gans, args, worker, restart=True)
        with StopSignals():
            return _new_run(keras_gans, config, args, worker)
    finally:
        worker.close()


def _new_run(keras_gans, config, args, worker):
    kind, batch_size = translation.pairing(keras_gans, config)
    translation.check_flags(config, kind)
    config["batch_size"] = config["batch_size"] or batch_size
    source = _load_data(keras_gans, config)
    with worker.scope():
        model, arch = _build_model(keras_gans, config, source)
    config["resolved"] = {
        "keras_gans_version": keras_gans.__version__,
        "data_shape": list(source.shape),
        "num_classes": model.num_classes if model.conditional else None,
        "data_description": source.description,
        "arch_config": jsonable(arch.get_config()),
        "loss": jsonable(_loss_config(model)),
    }
    if kind is not None:
        config["resolved"]["target_shape"] = list(source.metadata["target_shape"])
    quality = default_quality(config, source, args) if args.monitor is None else None
    if args.dry_run:
        return _print_dry_run(config, model)
    if quality:
        print(quality)
    logged = [metric.name for metric in model.metrics] + eval_logged(config)
    if config["monitor"] is not None and config["monitor"] not in logged:
        raise CommandError(
            f"--monitor must be one of the logged values {logged}. "
            f"Received: --monitor {config['monitor']}"
        )
    run_dir = args.run_dir or _default_run_dir(config)
    from keras_gans.callbacks import RunDirectory

    config["created"] = datetime.datetime.now().isoformat(timespec="seconds")
    extra = eval_callbacks(config, source)  # resolves the extractor before writing anything
    run = RunDirectory.create(run_dir, config) if worker.chief else RunDirectory(run_dir)
    print(f"run directory: {run.path}")
    with worker.locked(run, _locked):
        return _fit(keras_gans, model, config, run, extra, None, args, worker)


def _resume(keras_gans, args, worker, restart=False):
    from keras_gans.callbacks import RunDirectory, StopSignals

    run = RunDirectory(args.run_dir if restart else args.resume)
    if not run.path.is_dir():
        raise CommandError(f"--resume must be a run directory. Received: {args.resume!r}")
    try:
        config = run.read_config()
        state = run.read_state()
        checkpoint = None if state is None else run.checkpoint("latest")
    except (FileNotFoundError, ValueError) as error:
        raise CommandError(str(error)) from None
    if restart:
        train_strategy.check_same_flags(_given(args), config, run.path)
    config["strategy"] = worker.name
    restored = None
    if worker.name == "multi-worker":  # the backup, unless the last commit is later
        restored = train_strategy.backup_epoch(run.path, state)
        worker.restore_backup = restored is not None
    if restored is not None:  # every worker restores the chief's backup (WorkerBackupAndRestore)
        state, checkpoint = {"epoch": restored}, None
    recorded_epochs = config["epochs"]
    if args.epochs is not None:
        config["epochs"] = args.epochs
    initial_epoch = 0 if state is None else int(state["epoch"])
    if initial_epoch >= config["epochs"]:
        print(
            f"{run.path} has finished: it trained {initial_epoch} epochs and --epochs is "
            f"{config['epochs']} (raise --epochs to train on)."
        )
        return 0
    reschedule = check_epochs_change(config, recorded_epochs, state)
    with StopSignals(), worker.locked(run, _locked):
        if checkpoint is None:  # nothing committed, or restored from the multi-worker backup
            source = _load_data(keras_gans, config)
            with worker.scope():
                model, _ = _build_model(keras_gans, config, source, rebuild=True)
            print(
                f"{run.path} has no committed checkpoint: training it from its first step"
                if restored is None
                else f"restarting {run.path} from its backup at epoch {restored + 1}"
            )
        else:
            with worker.scope():
                model = _load_checkpoint(keras_gans, run, checkpoint, config.get("precision"))
            _check_checkpoint_matches(keras_gans, model, config, checkpoint)
            source = _load_data(keras_gans, config)
            if reschedule:  # the decay starts later: nothing has decayed yet
                rates = learning_rates(keras_gans, config, source)
                model.d_optimizer.learning_rate, model.g_optimizer.learning_rate = rates
            where = f" after its batch {state['batch']}" if state.get("batch") else ""
            print(f"resuming {run.path} at epoch {initial_epoch + 1} of {config['epochs']}{where}")
        extra = eval_callbacks(config, source)
        if worker.chief:
            run.remove_temporaries()  # a kill inside an atomic write leaves its temporary
            run.trim_metrics(initial_epoch)
            run.write_config(config)
        return _fit(keras_gans, model, config, run, extra, state, args, worker)


def _load_checkpoint(keras_gans, run, checkpoint, precision=None):
    import keras

    # Loaded under the run's --precision: under float32 a mixed_float16 model's optimizers
    # come back without their LossScaleOptimizer and Adam's moments are dropped.
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision or "float32")
    try:
        return keras_gans.load_model(checkpoint)
    except Exception as error:
        hint = _best_hint(run, checkpoint)
        raise CommandError(
            f"Could not load {str(checkpoint)!r}: {type(error).__name__}: {error}.{hint}"
        ) from error
    finally:
        keras.config.set_dtype_policy(previous)


def _best_hint(run, unreadable):
    """Where to turn when the latest checkpoint cannot be read: an intact best.keras."""
    import os
    import zipfile

    best = run.checkpoint_dir / "best.keras"
    if not best.is_file() or os.path.samefile(best, unreadable) or not zipfile.is_zipfile(best):
        return ""
    return (
        f" {str(best)!r} is intact: `keras-gans sample {run.path} --checkpoint best` uses it; "
        "to resume from it, copy it over latest.keras and set 'epoch' in state.json to its "
        "epoch."
    )


def _locked(run):
    """The run's lock, or a one-line error naming the process that holds it."""
    from keras_gans.callbacks import RunLockedError

    try:
        return run.lock().acquire()
    except RunLockedError as error:
        raise CommandError(str(error)) from None


def _check_checkpoint_matches(keras_gans, model, config, checkpoint):
    if "target_shape" in config["resolved"]:
        return translation.check_checkpoint(model, config, checkpoint)
    expected = f"{keras_gans.architectures.normalize_name(config['arch']).replace('-', '_')}_gan"
    if not isinstance(model, keras_gans.GANModel) or model.name != expected:
        raise CommandError(
            f"{str(checkpoint)!r} holds the model {model.name!r}, but the run's config.json "
            f"says --arch {config['arch']} ({expected!r}): the checkpoint is from another "
            "architecture."
        )
    shape = tuple(config["resolved"]["data_shape"])
    model_shape = tuple(model.generator.outputs[0].shape[1:])
    if model.latent_dim != config["latent_dim"] or model_shape != shape:
        raise CommandError(
            f"{str(checkpoint)!r} has latent_dim={model.latent_dim} and samples of shape "
            f"{model_shape}, but the run's config.json says latent_dim={config['latent_dim']} "
            f"and data of shape {shape}."
        )


def _load_data(keras_gans, config):
    from keras_gans import datasets

    kind, _ = translation.pairing(keras_gans, config)
    if kind is not None:
        return translation.load(keras_gans, config, kind)
    try:
        options = {"download": True} if config.get("download") else {}
        source = datasets.load(
            config["data"],
            image_size=config["image_size"],
            batch_size=config["batch_size"],
            seed=config["seed"],
            **options,
        )
    except (OSError, ValueError) as error:  # OSError: a failed --download
        raise CommandError(f"--data {config['data']}: {error}") from None
    if source.labelled and config["conditional"] == "no":
        source = datasets.DataSource(
            source.dataset.map(lambda x, y: x),
            shape=source.shape,
            description=source.description,
            num_examples=source.num_examples,
            metadata=source.metadata,
        )
    elif not source.labelled and config["conditional"] == "yes":
        raise CommandError(
            f"--conditional yes needs labelled data, but --data {config['data']} has no labels."
        )
    return source


def _build_model(keras_gans, config, source, rebuild=False):
    import inspect

    import keras

    try:
        arch_class = keras_gans.architectures.registry.load(config["arch"])
    except ValueError as error:
        raise CommandError(f"--arch: {error}") from None
    parameters = inspect.signature(arch_class.__init__).parameters
    # Adam settings not given as flags: the architecture's paper settings (ProGAN, SAGAN's
    # TTUR), else DCGAN's; the resolved values are written to config.json.
    preferred = {**ADAM_DEFAULTS, **getattr(arch_class, "optimizer_defaults", {})}
    for key, value in preferred.items():
        if config.get(key) is None:
            config[key] = value
    kwargs = dict(config["arch_args"])
    shape_key = "image_shape" if "image_shape" in parameters else "data_shape"
    kwargs.setdefault(shape_key, tuple(source.shape))
    kwargs.setdefault("latent_dim", config["latent_dim"])
    if source.labelled and "num_classes" in parameters:
        kwargs.setdefault("num_classes", source.num_classes)
    if "target_shape" in source.metadata and "target_channels" in parameters:
        kwargs.setdefault("target_channels", source.metadata["target_shape"][-1])
    if rebuild:  # the networks the run was created with, whatever today's defaults are
        kwargs = train_strategy.pinned_arch_args(keras_gans, config, kwargs)
    unknown = sorted(set(kwargs) - set(parameters))
    if unknown and not any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
        raise CommandError(
            f"--arch-arg {', '.join(unknown)}: not a keyword of {arch_class.__name__} "
            f"(it takes {', '.join(name for name in parameters if name != 'self')})."
        )
    keras.utils.set_random_seed(config["seed"])
    # --precision: the networks take the dtype policy when built (runs from before the flag
    # have no "precision": float32); feature extractors built later stay float32.
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(config.get("precision", "float32"))
    try:
        arch = keras_gans.architectures.get(config["arch"], **kwargs)
        keras.utils.set_random_seed(config["seed"])
        # Through from_architecture, so the architecture's latent prior and training terms
        # (ACGAN's classifier, InfoGAN's codes, ...) come with the model.
        model = keras_gans.GANModel.from_architecture(
            config["arch"],
            seed=config["seed"],
            ema_decay=config["ema_decay"],
            ema_start=config.get("ema_start", 0),  # runs from before the flag lack it
            **kwargs,
        )
    except (TypeError, ValueError) as error:
        raise CommandError(f"--arch {config['arch']}: {error}") from None
    finally:
        keras.config.set_dtype_policy(previous)
    loss = config["loss"] or arch.default_loss
    try:
        loss_object = keras_gans.losses.get(loss, **config["loss_args"])
    except (TypeError, ValueError) as error:
        raise CommandError(f"--loss: {error}") from None
    d_rate, g_rate = learning_rates(keras_gans, config, source)
    # The family's Adam (ProGAN's restarts with its stages), keras.optimizers.Adam otherwise.
    d_optimizer, g_optimizer = arch.make_optimizers(
        d_rate, g_rate, config["beta1"], config["beta2"]
    )
    model.compile(
        d_optimizer=d_optimizer,
        g_optimizer=g_optimizer,
        loss=loss_object,
        d_steps=config["d_steps"],
    )
    return model, arch


def _loss_config(model):
    import keras

    return keras.saving.serialize_keras_object(model.adversarial_loss)


def _default_run_dir(config):
    data = Path(str(config["data"])).stem or "data"
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{config['arch']}-{data}-{stamp}"


def _print_dry_run(config, model):
    print(json.dumps(config, indent=2, sort_keys=True))
    model.generator.summary()
    model.discriminator.summary()
    return 0


def _fit(keras_gans, model, config, run, extra, state, args, worker):
    from keras_gans_cli.train_fit import fit_run

    written = worker.run_directory(run, config)  # the chief's run, or a scratch folder
    if worker.describe():
        print(worker.describe())
    kind, _ = translation.pairing(keras_gans, config)
    grid = None
    if kind is not None:
        folder = written.samples_dir
        grid = translation.grid(keras_gans, config, kind, folder, config["sample_every"])
    code = fit_run(
        model,
        config,
        written,
        extra,
        state,
        args,
        load_data=lambda: _load_data(keras_gans, config),
        grid=grid,
        backup=worker.backup(run.path, written.path),
    )
    return worker.finish(run.path, code)
