"""Training speed of `GANModel.fit` against a hand-written `tf.function` loop and PyTorch.

Run on demand (this is not a test)::

    python benchmarks/train_speed.py                 # jit off and on, spe 1 and 10
    python benchmarks/train_speed.py --jit off --rounds 10 --steps 60

All sides train the same DCGAN (28x28x1 images, batch 64, latent 100, Adam(2e-4,
beta_1=0.5) for both networks, non-saturating loss, one discriminator update per generator
update) on the same synthetic images in [-1, 1], in one process:

* `fit`: `GANModel.fit(dataset, epochs=1, steps_per_epoch=steps)`, one call per round, for
  each `steps_per_execution` asked for. The call is timed whole (what a user pays, with the
  per-call set-up) and, through a callback, from `on_epoch_begin` to `on_epoch_end`.
* `hand-written`: a `tf.function` step with two `tf.GradientTape`s over separately built
  copies of the same networks (same seed, so the same initial weights): D on real and on
  G(z) separately, one D update, then one G update on a fresh latent batch.
* `PyTorch eager` (if torch is installed; `--no-torch` leaves it out): the same networks and
  step in PyTorch, written the usual way (`benchmarks/torch_dcgan.py`).

The sides alternate within every round (the order rotates from round to round), so a slow
spell of the machine hits them all. Round 0 is a warm-up (tracing, XLA compilation) and is
not counted; the table gives medians over the remaining rounds. tf.data autotuning is off
(it has been seen to stall short `fit` calls by 1-2.5 s). Each round also records how much
CPU other processes used: on a shared 2-core machine, rounds with a busy neighbour are
tabulated apart, and images per CPU-second are given beside wall-clock images/s.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

import torch_dcgan  # benchmarks/torch_dcgan.py
from machine import OtherLoad, machine_line, usable_cores, version  # benchmarks/machine.py

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

IMAGE_SHAPE = (28, 28, 1)
LATENT_DIM = 100
LEARNING_RATE = 2e-4
BETA_1 = 0.5
DATASET_BATCHES = 16  # distinct synthetic batches; the dataset repeats them
TORCH = (None, "PyTorch eager", None)  # the PyTorch side's key (no jit, no spe)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Images/s of GANModel.fit against a hand-written tf.function GAN loop."
    )
    parser.add_argument(
        "--jit",
        choices=("both", "on", "off"),
        default="both",
        help="jit_compile=False (off), True (on) or both, on both sides (default: both)",
    )
    add = parser.add_argument
    add("--rounds", type=int, default=8, help="measured rounds, after a warm-up (default: 8)")
    add("--steps", type=int, default=60, help="training steps per side per round (default: 60)")
    parser.add_argument(
        "--steps-per-execution",
        type=int,
        nargs="+",
        default=[1, 10],
        metavar="N",
        help="steps_per_execution values for the fit side (default: 1 10)",
    )
    parser.add_argument(
        "--quiet-load",
        type=float,
        default=0.15,
        help="also tabulate the rounds in which other processes used at most this many "
        "cores (default: 0.15)",
    )
    add("--torch", action=argparse.BooleanOptionalAction, default=True, help="PyTorch eager too")
    add("--batch-size", type=int, default=64, help="default: 64")
    add("--seed", type=int, default=1234, help="default: 1234")
    args = parser.parse_args(argv)
    for name in ("rounds", "steps", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    if any(n < 1 for n in args.steps_per_execution):
        parser.error("--steps-per-execution values must be >= 1")
    return args


# --------------------------------------------------------------------------- the two sides
def make_images(np, batch_size, seed):
    rng = np.random.default_rng(seed)
    size = (batch_size * DATASET_BATCHES, *IMAGE_SHAPE)
    return rng.uniform(-1.0, 1.0, size=size).astype("float32")


def make_dataset(tf, images, batch_size):
    dataset = (
        tf.data.Dataset.from_tensor_slices(images)
        .repeat()
        .batch(batch_size, drop_remainder=True)
        .prefetch(2)
    )
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


def build_networks(keras, seed):
    from keras_gans import architectures

    keras.utils.set_random_seed(seed)
    arch = architectures.get("dcgan", image_shape=IMAGE_SHAPE, latent_dim=LATENT_DIM)
    return arch.build_generator(), arch.build_discriminator()


def adam(keras):
    return keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1)


class FitSide:
    """`GANModel.fit` for `steps` steps per call."""

    def __init__(self, keras, dataset, seed, jit_compile, steps_per_execution):
        from keras_gans import GANModel

        generator, discriminator = build_networks(keras, seed)
        self.gan = GANModel(generator, discriminator, latent_dim=LATENT_DIM, seed=seed)
        self.gan.compile(
            d_optimizer=adam(keras),
            g_optimizer=adam(keras),
            loss="non-saturating",
            d_steps=1,
            jit_compile=jit_compile,
            steps_per_execution=steps_per_execution,
        )
        self.dataset = dataset
        self.timer = make_epoch_timer(keras)

    def run(self, steps):
        """Returns (seconds for the whole call, seconds inside the epoch, last g_loss)."""
        start = time.perf_counter()
        history = self.gan.fit(
            self.dataset,
            epochs=1,
            steps_per_epoch=steps,
            shuffle=False,
            verbose=0,
            callbacks=[self.timer],
        )
        total = time.perf_counter() - start
        return total, self.timer.end - self.timer.begin, history.history["g_loss"][-1]


def make_epoch_timer(keras):
    class EpochTimer(keras.callbacks.Callback):
        # Only epoch hooks: a batch hook would turn off Keras's asynchronous dispatch.
        def on_epoch_begin(self, epoch, logs=None):
            self.begin = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.end = time.perf_counter()

    return EpochTimer()


class HandWrittenSide:
    """A plain `tf.function` GAN step with two `GradientTape`s."""

    def __init__(self, keras, tf, dataset, seed, jit_compile):
        self.tf = tf
        self.generator, self.discriminator = build_networks(keras, seed)
        self.d_optimizer, self.g_optimizer = adam(keras), adam(keras)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.normal = keras.random.normal
        self.dataset = dataset
        self.step = tf.function(self._step, jit_compile=jit_compile)

    def _step(self, real):
        tf = self.tf
        g, d = self.generator, self.discriminator
        shape = (real.shape[0], LATENT_DIM)

        fake = g(self.normal(shape, seed=self.seed_generator), training=True)
        with tf.GradientTape() as tape:
            real_logits = d(real, training=True)
            fake_logits = d(fake, training=True)
            d_loss = tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
                tf.nn.softplus(fake_logits)
            )
        grads = tape.gradient(d_loss, d.trainable_variables)
        self.d_optimizer.apply(grads, d.trainable_variables)

        with tf.GradientTape() as tape:
            fake = g(self.normal(shape, seed=self.seed_generator), training=True)
            scores = d(fake, training=True)
            g_loss = tf.reduce_mean(tf.nn.softplus(-scores))
        grads = tape.gradient(g_loss, g.trainable_variables)
        self.g_optimizer.apply(grads, g.trainable_variables)
        return d_loss, g_loss

    def run(self, steps):
        """Returns (seconds, seconds, last g_loss); the loop has no per-call set-up."""
        start = time.perf_counter()
        for real in self.dataset.take(steps):
            _, g_loss = self.step(real)
        g_loss = float(g_loss)  # waits for the last step
        total = time.perf_counter() - start
        return total, total, g_loss


# --------------------------------------------------------------------------- driver
def main(argv=None):
    args = parse_args(argv)
    import keras
    import numpy as np
    import tensorflow as tf

    print(machine_line())
    print(
        f"python {platform.python_version()}, tensorflow {tf.__version__}, "
        f"keras {keras.__version__}, backend {keras.backend.backend()}, "
        f"torch {version('torch')}, "
        f"GPUs visible: {len(tf.config.list_physical_devices('GPU'))}"
    )
    print(
        f"DCGAN {IMAGE_SHAPE}, batch {args.batch_size}, latent {LATENT_DIM}, "
        f"Adam({LEARNING_RATE}, beta_1={BETA_1}) x2, non-saturating, d_steps=1; "
        f"{args.rounds} rounds (+1 warm-up) x {args.steps} steps per side"
    )
    sys.stdout.flush()

    jits = {"both": (False, True), "off": (False,), "on": (True,)}[args.jit]
    spes = list(dict.fromkeys(args.steps_per_execution))
    real_images = make_images(np, args.batch_size, args.seed)
    dataset = make_dataset(tf, real_images, args.batch_size)

    sides = {}  # key: (jit, label, spe) -> side
    for jit in jits:
        sides[(jit, "hand-written", None)] = HandWrittenSide(keras, tf, dataset, args.seed, jit)
        for spe in spes:
            sides[(jit, "GANModel.fit", spe)] = FitSide(keras, dataset, args.seed, jit, spe)
    if args.torch:
        hand = sides[(jits[0], "hand-written", None)]
        settings = (args.batch_size, args.seed, usable_cores(), LEARNING_RATE, BETA_1)
        side = torch_dcgan.side_if_installed(hand, real_images, *settings)
        sides.update({} if side is None else {TORCH: side})
        if side is not None:
            print(f"PyTorch eager runs on: {side.device}")
    sys.stdout.flush()

    keys = list(sides)
    times = {key: [] for key in keys}  # (total, in-epoch, CPU) seconds per measured round
    images = args.steps * args.batch_size
    other_load = OtherLoad()
    loads = []
    for round_index in range(args.rounds + 1):
        shift = round_index % len(keys)
        order = keys[shift:] + keys[:shift]
        parts, round_loads = [], []
        for key in order:
            other_load()
            cpu = time.process_time()
            total, inside, g_loss = sides[key].run(args.steps)
            cpu = time.process_time() - cpu
            round_loads.append(other_load())
            if not np.isfinite(g_loss):
                raise RuntimeError(f"{describe(key)}: non-finite g_loss {g_loss}")
            if round_index:
                times[key].append((total, inside, cpu))
            parts.append(f"{describe(key)} {images / total:7.1f}")
        tag = "warm-up" if round_index == 0 else f"round {round_index}"
        load = max(round_loads)
        if round_index:
            loads.append(load)
        print(f"{tag:>8}: " + " | ".join(parts) + f"  images/s; other load {load:.2f}", flush=True)

    print()
    print(
        "Images/s over the measured rounds: median, min and max of whole calls; in-epoch: fit\n"
        "timed from on_epoch_begin to on_epoch_end; call ms: fit's per-call time outside the\n"
        "epoch; vs hand: median / median hand-written, same jit_compile; paired: median over\n"
        "rounds of the ratio within a round; img/CPU-s: images per second of this process's\n"
        "CPU time (all threads), less sensitive to other processes than wall time."
    )
    print()
    print(f"All {args.rounds} measured rounds:")
    print_table(times, images, jits, spes, loads)
    quiet = [i for i, load in enumerate(loads) if load <= args.quiet_load]
    if 2 <= len(quiet) < len(loads):
        print()
        print(f"Only the {len(quiet)} quiet rounds (other load <= {args.quiet_load}):")
        times = {key: [values[i] for i in quiet] for key, values in times.items()}
        print_table(times, images, jits, spes, [loads[i] for i in quiet])


def describe(key):
    if key == TORCH:
        return TORCH[1]
    jit, label, spe = key
    spe_text = "" if spe is None else f" spe={spe}"
    return f"[jit {'on' if jit else 'off'}] {label}{spe_text}"


def print_table(times, images, jits, spes, loads):
    header = (
        f"{'jit_compile':<12}{'side':<14}{'spe':>4}{'images/s':>10}{'min':>8}{'max':>8}"
        f"{'in-epoch':>10}{'call ms':>9}{'vs hand':>9}{'paired':>8}{'img/CPU-s':>11}{'vs hand':>9}"
    )
    print(header)
    print("-" * len(header))
    rates = {key: [images / v[0] for v in values] for key, values in times.items()}
    cpu_rates = {
        key: statistics.median(images / v[2] for v in values) for key, values in times.items()
    }

    def ratios(key, reference):
        """(median / median, median of the within-round ratios, CPU-time ratio)."""
        pairs = zip(rates[key], rates[reference], strict=True)
        return (
            statistics.median(rates[key]) / statistics.median(rates[reference]),
            statistics.median(a / b for a, b in pairs),
            cpu_rates[key] / cpu_rates[reference],
        )

    rows = [
        (hand, key)
        for jit in jits
        for hand in [(jit, "hand-written", None)]
        for key in [hand] + [(jit, "GANModel.fit", spe) for spe in spes]
    ]
    if TORCH in times:
        rows.append(((jits[0], "hand-written", None), TORCH))
    for hand_key, key in rows:
        median = statistics.median(rates[key])
        inside = statistics.median(images / v[1] for v in times[key])
        overhead = statistics.median((v[0] - v[1]) * 1e3 for v in times[key])
        by_wall, paired, by_cpu = ratios(key, hand_key)
        jit, label, spe = key
        print(
            f"{'-' if jit is None else str(jit):<12}{label:<14}{'-' if spe is None else spe:>4}"
            f"{median:>10.1f}{min(rates[key]):>8.1f}{max(rates[key]):>8.1f}{inside:>10.1f}"
            f"{overhead:>9.1f}{by_wall:>8.3f}x{paired:>7.3f}x{cpu_rates[key]:>11.1f}"
            f"{by_cpu:>8.3f}x"
        )
    if TORCH in times:
        print(f"PyTorch eager's 'vs hand' is against the hand-written loop with jit {jits[0]}.")
    if len(jits) == 2:
        on = statistics.median(rates[(True, "hand-written", None)])
        off = statistics.median(rates[(False, "hand-written", None)])
        print(f"hand-written jit on / off: {on / off:.3f}x")
    print("Targets (issue 19): fit >= 1.05x the hand-written loop and >= 1.5x PyTorch eager;")
    print("median ratio / paired ratio / per CPU-second:")
    for jit in jits:
        for spe in spes:
            fit = (jit, "GANModel.fit", spe)
            text = "{:.3f}x / {:.3f}x / {:.3f}x"
            hand = (jit, "hand-written", None)
            line = f"  fit jit {jit} spe={spe}: vs hand {text.format(*ratios(fit, hand))}"
            if TORCH in times:
                line += f"; vs PyTorch eager {text.format(*ratios(fit, TORCH))}"
            print(line)
    print(
        f"other processes used {statistics.median(loads):.2f} cores (median over rounds of the "
        f"busiest side; max {max(loads):.2f}): wall-clock numbers are clean only near 0."
    )


if __name__ == "__main__":
    main()
