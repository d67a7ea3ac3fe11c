"""The step protocol: hook order, logging, and reading the discriminator changes nothing."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gans
from keras_gans.steps import Piece, PieceState
from keras_gans.testing import tiny_gan


def points(n, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 2)).astype("float32")


class Recorder(Piece):
    """Records which hooks ran for which player, adds constant terms, reports a count."""

    reports = ("recorder/updates",)

    def __init__(self, name="recorder"):
        super().__init__(name=name)
        self.calls = []

    def build(self, model):
        self.calls.append("build")
        self.state = PieceState()
        self.counter = self.state.variable("counter")

    def transform(self, inputs, ctx):
        self.calls.append(f"transform:{ctx.role}")
        return inputs

    def terms(self, player, ctx):
        self.calls.append(f"terms:{player.name}")
        return ops.convert_to_tensor(2.0 if player.role == "discriminator" else 3.0)

    def update(self, player, ctx):
        self.calls.append(f"update:{player.name}")
        self.counter.assign(self.counter + 1.0)
        return {"recorder/updates": ops.convert_to_tensor(self.counter)}


def test_hooks_run_in_order_and_terms_and_reports_are_logged():
    recorder = Recorder()
    gan = tiny_gan()
    gan.compile("adam", "adam", d_steps=2, tricks=[recorder], run_eagerly=True)
    history = gan.fit(points(16), batch_size=16, epochs=1, verbose=0).history
    d = ["transform:discriminator", "terms:discriminator", "update:discriminator"]
    g = ["transform:generator", "terms:generator", "update:generator"]
    assert recorder.calls == ["build", *d, *d, *g]
    assert history["d_term/recorder"][-1] == 2.0 and history["g_term/recorder"][-1] == 3.0
    assert history["recorder/updates"][-1] == pytest.approx(2.0)  # mean of 1, 2, 3
    assert float(recorder.counter.numpy()) == 3.0


def test_evaluation_computes_terms_without_transforms_or_updates():
    recorder = Recorder()
    gan = tiny_gan()
    gan.compile("adam", "adam", tricks=[recorder], run_eagerly=True)
    gan.evaluate(points(8), batch_size=8, verbose=0)
    assert recorder.calls == ["build", "terms:discriminator", "terms:generator"]


def test_an_undeclared_report_is_a_clear_error():
    class Chatty(Piece):
        def update(self, player, ctx):
            return {"chatty/undeclared": 1.0}

    gan = tiny_gan()
    gan.compile("adam", "adam", tricks=[Chatty()])
    with pytest.raises(ValueError, match="chatty/undeclared"):
        gan.fit(points(8), batch_size=8, epochs=1, verbose=0)


def test_a_transform_must_return_discriminator_inputs():
    class Broken(Piece):
        def transform(self, inputs, ctx):
            return [inputs.real, inputs.fake]

    gan = tiny_gan()
    gan.compile("adam", "adam", tricks=[Broken()])
    with pytest.raises(TypeError, match="Broken.transform must return a DiscriminatorInputs"):
        gan.fit(points(8), batch_size=8, epochs=1, verbose=0)


def test_the_context_is_immutable():
    ctx = keras_gans.steps.StepContext.of([[1.0]], [[0.0]])
    with pytest.raises(AttributeError, match="immutable"):
        ctx.condition = 1
    with pytest.raises(TypeError, match="unexpected"):
        ctx.replace(model=None)


class Probe(Piece):
    """Reads the discriminator's outputs, heads and input gradients in every hook."""

    def __init__(self):
        super().__init__(name="probe")
        self.reads = 0

    def _read(self, ctx):
        values = [ctx.real_output, ctx.fake_output, *ctx.real_heads.values()]
        values += [*ctx.fake_heads.values(), ctx.input_gradient(ctx.real)]
        self.reads += 1
        return values

    def transform(self, inputs, ctx):
        self._read(ctx)
        return inputs

    def terms(self, player, ctx):
        self._read(ctx)
        return None

    def update(self, player, ctx):
        self._read(ctx)
        return None


def _train(loss, probe, run_eagerly, seed=3):
    keras.utils.set_random_seed(seed)
    gan = tiny_gan(seed)
    gan.compile(
        keras.optimizers.Adam(1e-2),
        keras.optimizers.Adam(1e-2),
        loss=loss,
        d_steps=2,
        tricks=[probe] if probe else None,
        run_eagerly=run_eagerly,
    )
    gan.fit(points(64, seed), batch_size=32, epochs=2, shuffle=False, verbose=0)
    return [v.numpy() for v in gan.generator.weights + gan.discriminator.weights]


def _check_probe_changes_nothing(loss, run_eagerly):
    probe = Probe()
    baseline, probed = _train(loss, None, run_eagerly), _train(loss, probe, run_eagerly)
    assert probe.reads > 0
    for expected, actual in zip(baseline, probed, strict=True):
        np.testing.assert_array_equal(actual, expected)


@pytest.mark.parametrize("loss", keras_gans.losses.names())
def test_a_piece_that_reads_the_discriminator_changes_no_update(loss):
    """The v1 bug: a piece reading outputs before the tape froze them (no gradients, or a
    critic silently trained on its penalty alone). Reads now happen inside the tape.

    Eager, because only eager TensorFlow is bit-reproducible for every loss here: in graph
    mode BEGAN differs between two runs *without* any probe (by ~1e-6 after four steps:
    concurrent kernels round differently, and Adam amplifies that on BEGAN's near-zero
    gradients while k is near 0). The graph-mode test below takes losses that reproduce.
    """
    _check_probe_changes_nothing(loss, run_eagerly=True)


@pytest.mark.parametrize("loss", ["wgan-gp", "hinge"])
def test_a_reading_piece_changes_no_update_in_graph_mode(loss):
    _check_probe_changes_nothing(loss, run_eagerly=False)
