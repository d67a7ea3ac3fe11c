"""The training loop of `keras-gans train`: exact resume, signals, and what it prints."""

from __future__ import annotations

import shlex
import sys
import time


def fit_run(model, config, run, extra, state, args, load_data, grid=None, backup=()):
    """Trains `model` into `run` from the commit `state` (or from step 0); returns the exit code.

    The data come from `load_data()` afresh for each `fit`, so that the batch order after a
    resume is the one an uninterrupted run would have seen (`resumable_fit`). SIGINT and
    SIGTERM commit a checkpoint after the step under way and exit with 130/143. `backup`:
    callbacks run last (the multi-worker backup, which then holds only what the run's own
    files already hold).
    """
    import keras

    from keras_gans.callbacks import StopSignals, resumable_fit

    callbacks = run.callbacks(
        sample_callback=grid,
        monitor=config["monitor"],
        mode=config["monitor_mode"],
        samples=config["samples"],
        sample_seed=config["seed"],
        sample_every=config["sample_every"],
        tensorboard=config["tensorboard"],
        extra=extra,
        every_n_steps=config.get("checkpoint_steps"),
        stop_on_signal=True,
        nan_message=False,  # reported below as the command's one error line
    ) + list(backup)
    verbose = args.verbose if args.verbose is not None else (1 if sys.stdout.isatty() else 2)
    signals = StopSignals.current()
    if signals is not None and signals.received:
        return interrupted_before_training(run, signals)
    keras.utils.set_random_seed(config["seed"])
    initial = (state or {}).get("epoch", 0)
    start = time.perf_counter()
    try:
        resumable_fit(
            model,
            lambda: load_data().dataset,
            config["epochs"],
            callbacks,
            state=state,
            steps_per_epoch=config["steps_per_epoch"],
            verbose=verbose,
        )
    except KeyError as error:  # GANCheckpoint's unknown monitor
        from keras_gans_cli._common import CommandError

        raise CommandError(f"--monitor: {error.args[0]}") from None
    except OSError as error:
        from keras_gans_cli._common import CommandError

        raise CommandError(
            f"could not write to the run directory ({type(error).__name__}: {error}). "
            f"{committed(run)} Free space or fix permissions, then resume with: "
            f"{resume_command(run)}"
        ) from None
    except Exception as error:
        if type(error).__name__ != "UnavailableError" or config.get("strategy") != "multi-worker":
            raise
        from keras_gans_cli._common import CommandError

        reason = str(error).strip().splitlines()[0][:300]
        raise CommandError(
            f"another worker of the job failed ({type(error).__name__}: {reason}). Start "
            "every worker again with the same command: the job continues from the chief's "
            "last backup (the run's backup/ folder, written at each epoch end) or from a "
            "later --checkpoint-steps commit."
        ) from None
    elapsed = time.perf_counter() - start
    guard = callbacks[0]
    checkpoint = next(c for c in callbacks if type(c).__name__ == "GANCheckpoint")
    if guard.triggered:
        from keras_gans_cli._common import CommandError

        raise CommandError(f"{guard.message}; {committed(run, nan=True)}")
    if checkpoint.stopped_by is not None:
        epoch, batch = checkpoint.stopped_at
        print(
            f"stopped by {checkpoint.stopped_by} in epoch {epoch + 1} after batch {batch}: "
            f"committed {run.checkpoint_dir / run.read_state()['checkpoint']}. Resume with: "
            f"{resume_command(run)}",
            file=sys.stderr,
        )
        return signals.exit_code if signals is not None else 130
    print(f"trained epochs {initial + 1}-{config['epochs']} in {elapsed:.1f} s")
    print(f"checkpoints: {run.checkpoint_dir}; samples: {run.samples_dir}")
    return 0


def resume_command(run):
    return f"keras-gans train --resume {shlex.quote(str(run.path))}"


def committed(run, nan=False):
    """One sentence on what a resume would start from."""
    try:
        state = run.read_state()
    except ValueError:
        state = None
    if state is None:
        if nan:
            return (
                "no checkpoint had been committed, so there is nothing to resume: start "
                "again with lower learning rates (--d-lr, --g-lr) or another --loss"
            )
        return "No checkpoint had been committed: a resume trains the run from its first step."
    where = f"epoch {state['epoch']}" + (
        f", batch {state['batch']} of epoch {state['epoch'] + 1}" if state.get("batch") else ""
    )
    what = "the last good checkpoint is kept" if nan else "The last committed checkpoint"
    sentence = f"{what}: {run.checkpoint_dir / state['checkpoint']} ({where})"
    return sentence if nan else sentence + " is intact."


def interrupted_before_training(run, signals):
    print(
        f"stopped by {signals.received} before the first step: nothing was trained. "
        f"Resume with: {resume_command(run)}",
        file=sys.stderr,
    )
    return signals.exit_code
