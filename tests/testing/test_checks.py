"""The conformance checks catch plugins that break the contract, with a message saying how."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gans.testing as kgt
from keras_gans import architectures
from keras_gans.losses import Hinge
from keras_gans.penalties import Penalty, R1Penalty
from keras_gans.tricks import Trick

PACKAGE = "keras_gans_test_checks"
MLP = architectures.registry.load("mlp")


def _case(plugin, message):
    """One (plugin, expected message) case, named after the plugin's class."""
    return pytest.param(plugin, message, id=type(plugin).__name__)


# ----------------------------------------------------------------------------------- losses
class ReversedHinge(Hinge):
    """Treats low outputs as real: the discriminator terms are swapped."""

    def discriminator_loss(self, real_output, fake_output):
        return super().discriminator_loss(fake_output, real_output)


class PerSampleHinge(Hinge):
    """Forgets to average: returns one value per output."""

    def discriminator_loss(self, real_output, fake_output):
        return ops.relu(1.0 - real_output) + ops.relu(1.0 + fake_output)


class LogOfScores(Hinge):
    """Takes the log of raw scores, which are often negative."""

    def generator_loss(self, fake_output):
        return -ops.mean(ops.log(fake_output))


class NumPyHinge(Hinge):
    """Leaves keras.ops for NumPy, which cuts the gradient."""

    def generator_loss(self, fake_output):
        return ops.convert_to_tensor(-float(np.mean(ops.convert_to_numpy(fake_output))))


class FlatHinge(Hinge):
    """A generator objective that does not depend on the scores."""

    def generator_loss(self, fake_output):
        return ops.mean(fake_output * 0.0)


class SaturatedGenerator(Hinge):
    """A generator objective pointing the wrong way (it pulls fakes' scores down)."""

    def generator_loss(self, fake_output):
        return ops.mean(fake_output)


@keras.saving.register_keras_serializable(package=PACKAGE)
class ForgetfulHinge(Hinge):
    """Stores `margin` but leaves it out of `get_config`."""

    def __init__(self, margin=1.0, **kwargs):
        super().__init__(**kwargs)
        self.margin = margin


class UnregisteredHinge(Hinge):
    """Not registered with keras.saving."""


@pytest.mark.parametrize(
    "loss, message",
    [
        _case(R1Penalty(), "must produce a keras_gans.losses.AdversarialLoss"),
        _case(
            PerSampleHinge(),
            r"discriminator_loss on outputs of shape \(8, 1\) must return a scalar",
        ),
        _case(LogOfScores(), r"generator_loss on outputs of shape \(8, 1\) must be finite"),
        _case(NumPyHinge(), r"generator_loss w\.r\.t\. fake_output .* is None"),
        _case(FlatHinge(), r"generator_loss w\.r\.t\. fake_output .* is zero everywhere"),
        _case(
            ReversedHinge(), r"discriminator_loss must be lower when the discriminator scores real"
        ),
        _case(SaturatedGenerator(), r"generator_loss must push the scores of rejected fakes up"),
        _case(ForgetfulHinge(), r"takes `margin` but get_config\(\) lacks it"),
        _case(
            UnregisteredHinge(), r"could not restore UnregisteredHinge.*register_keras_serializable"
        ),
    ],
)
def test_check_loss_rejects(loss, message):
    with pytest.raises(AssertionError, match=message):
        kgt.check_loss(loss)


# -------------------------------------------------------------------------------- penalties
@keras.saving.register_keras_serializable(package=PACKAGE)
class NegativePenalty(Penalty):
    def compute(self, context):
        return -ops.mean(ops.square(context.real_output))


@keras.saving.register_keras_serializable(package=PACKAGE)
class ConstantPenalty(Penalty):
    def compute(self, context):
        return ops.convert_to_tensor(1.0)


@keras.saving.register_keras_serializable(package=PACKAGE)
class UnseededPenalty(Penalty):
    """Draws from NumPy's global generator instead of `context.seed_generator`."""

    def compute(self, context):
        return ops.square(ops.mean(context.real_output)) + float(np.random.uniform(1.0, 2.0))


@keras.saving.register_keras_serializable(package=PACKAGE)
class GeneratorSidePenalty(R1Penalty):
    """Declares the generator's role: the step would never add it to the critic's objective."""

    roles = ("generator",)


def _slashed():
    penalty = R1Penalty()
    penalty.name = "r1/real"
    return penalty


@pytest.mark.parametrize(
    "penalty, message",
    [
        _case(Hinge(), "must produce a keras_gans.penalties.Penalty"),
        _case(_slashed(), "without '/'"),
        _case(GeneratorSidePenalty(), "roles must include 'discriminator'"),
        _case(NegativePenalty(), "must be non-negative"),
        _case(ConstantPenalty(), "does not depend on the discriminator's weights"),
        _case(UnseededPenalty(), "with the same seed"),
    ],
)
def test_check_penalty_rejects(penalty, message):
    with pytest.raises(AssertionError, match=message):
        kgt.check_penalty(penalty)


# ----------------------------------------------------------------------------------- tricks
class CriticTrick(Trick):
    roles = ("critic",)


def test_check_trick_rejects_unknown_roles():
    with pytest.raises(AssertionError, match=r"roles must be player roles.*'critic'"):
        kgt.check_trick(CriticTrick())


# ---------------------------------------------------------------------------- architectures
def _mlp_kwargs(**overrides):
    return {"data_shape": (2,), "latent_dim": 4, "hidden_units": (8,), **overrides}


class UnstoredArgument(MLP):
    def __init__(self, width_factor=2, **kwargs):
        super().__init__(**kwargs)


class HalfConditional(MLP):
    """Conditional generator, unconditional discriminator."""

    def build_discriminator(self):
        return MLP(**_mlp_kwargs()).build_discriminator()


class TwoScores(MLP):
    def build_discriminator(self):
        x = keras.Input(self.data_shape)
        return keras.Model(x, keras.layers.Dense(2)(x))


class MismatchedShapes(MLP):
    def build_generator(self):
        return MLP(**_mlp_kwargs(data_shape=(3,))).build_generator()


class UnknownDefaultLoss(MLP):
    default_loss = "no-such-loss"


@pytest.mark.parametrize(
    "arch, message",
    [
        _case(Hinge(), "must produce a keras_gans.architectures.Architecture"),
        _case(UnknownDefaultLoss(**_mlp_kwargs()), "default_loss must be an installed loss"),
        _case(UnstoredArgument(**_mlp_kwargs()), "has no attribute `width_factor`"),
        _case(
            HalfConditional(**_mlp_kwargs(num_classes=3)), "Received a discriminator with 1 inputs"
        ),
        _case(TwoScores(**_mlp_kwargs()), r"one raw score per sample.*Received \(3, 2\)"),
        _case(MismatchedShapes(**_mlp_kwargs()), "generator's output must fit"),
    ],
)
def test_check_architecture_rejects(arch, message):
    with pytest.raises(AssertionError, match=message):
        kgt.check_architecture(arch)


# --------------------------------------------------------------------------------- training
@keras.saving.register_keras_serializable(package=PACKAGE)
class NaNHinge(Hinge):
    def discriminator_loss(self, real_output, fake_output):
        return super().discriminator_loss(real_output, fake_output) * ops.log(-1.0)


def test_check_fit_rejects_non_finite_losses():
    with pytest.raises(AssertionError, match="non-finite d_loss"):
        kgt.check_fit(kgt.tiny_gan(), loss=NaNHinge())


def test_check_save_load_reports_a_failed_load(tmp_path):
    gan = kgt.check_fit(kgt.tiny_gan(), loss=UnregisteredHinge())
    with pytest.raises(AssertionError, match="load_model .* failed: .*UnregisteredHinge"):
        kgt.check_save_load(gan, tmp_path)


def test_run_all_lists_installed_plugins_for_an_unknown_name():
    with pytest.raises(AssertionError, match=r"No installed plugin is called 'nope'.*hinge"):
        kgt.run_all("nope")
