"""What `keras-gans train --resume` may change, and the learning-rate schedule it then needs."""

from __future__ import annotations

from keras_gans_cli._common import CommandError
from keras_gans_cli.train_flags import RESUMABLE

__all__ = ["check_epochs_change", "check_resume_flags", "learning_rates"]


def check_resume_flags(args):
    """Refuses flags a resumed run cannot change (its config.json fixes them)."""
    # Every flag a run records defaults to None (store_true/store_false ones too), so a
    # value that is not None was given; --debug and --dry-run default to False.
    given = {k for k, v in vars(args).items() if v is not None and k not in RESUMABLE}
    given -= {"command", "run"}
    if given:
        options = {"tensorboard": "--no-tensorboard"}  # the one flag not named as its dest
        flags = ", ".join(sorted(options.get(k, f"--{k.replace('_', '-')}") for k in given))
        raise CommandError(
            f"{flags} cannot be changed when resuming: the run's config.json fixes them "
            "(only --epochs, --strategy, --verbose, --debug and --dry-run may be given). "
            f"Received: --resume {args.resume}"
        )


def check_epochs_change(config, recorded_epochs, state):
    """Whether a resumed run must rebuild its `--lr-decay-epochs` schedules for the new
    `config["epochs"]` (the run recorded `recorded_epochs`).

    The decay covers the last `lr_decay_epochs` of the run's epochs, so changing `--epochs`
    moves its start. Before that start every update ran at the constant rate, and the new
    schedule continues exactly as a run launched with the new length would (returns
    `True`). Once the rate has begun to fall, a new length would make it jump: refused.
    """
    last, epochs = config.get("lr_decay_epochs"), config["epochs"]
    if last is None or epochs == recorded_epochs:
        return False
    start = recorded_epochs - last  # the first epoch (counted from 0) of the decay
    done = (0, 0) if state is None else (int(state["epoch"]), int(state.get("batch") or 0))
    if done > (start, 0):
        where = f"epoch {done[0] + 1}" + (f", batch {done[1]}" if done[1] else "")
        raise CommandError(
            f"--epochs cannot change this run: its learning rate decays over its last "
            f"{last} epochs (--lr-decay-epochs) from epoch {start + 1} of {recorded_epochs}, "
            f"and it is already at {where}. Start a new run for a longer schedule. "
            f"Received: --epochs {epochs}"
        )
    return True


def learning_rates(keras_gans, config, source):
    """Constant rates, or `LinearDecay` over the last `--lr-decay-epochs` epochs (each
    optimizer counts its own updates: the discriminator's are d_steps per step)."""
    if config["lr_decay_epochs"] is None:
        return config["d_lr"], config["g_lr"]
    steps = config["steps_per_epoch"] or source.num_batches
    if steps is None:
        raise CommandError(
            "--lr-decay-epochs needs the number of steps per epoch, which this data does not "
            "tell: pass --steps-per-epoch."
        )
    decay = keras_gans.tricks.LinearDecay.from_epochs
    epochs, last = config["epochs"], config["lr_decay_epochs"]
    return (
        decay(config["d_lr"], epochs, last, steps * config["d_steps"]),
        decay(config["g_lr"], epochs, last, steps),
    )
