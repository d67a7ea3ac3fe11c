"""Composable train-step extras: the stabilisation toolkit.

Pass them to `GANModel.compile(tricks=[...])`. Each is a `keras_gans.steps.Piece`: it takes
part in the train step through the four hooks of the step protocol (`build`, `transform`,
`terms`, `update`), so the train step itself never branches on a flag. Losses, penalties,
constraints and the generator's EMA are pieces too.

- Discriminator inputs: `InstanceNoise`, `DiffAugment`.
- Fakes: `ImagePool` (experience replay).
- Objective terms: `FeatureMatching`, `PullingAway`, `HistoricalAveraging`.
- Auxiliary tasks: `AuxiliaryClassifier` (ACGAN), `MutualInformation` (InfoGAN),
  `MatchingAware` (GAN-CLS); the `acgan`, `infogan` and `gan-cls` architectures bring them.
- The generator's view of the discriminator: `UnrolledDiscriminator`.
- Learning rates: `ttur_optimizers`, `LinearDecay` (constant, then linearly to zero).

Elsewhere: the EMA of the generator is `GANModel(ema_decay=...)` or the
`keras_gans.callbacks.EMAGenerator` callback; label smoothing and flipping are options of
the losses (`NonSaturating(label_smoothing=...)`, `NoisyLabels`); PacGAN, spectral
normalisation and the minibatch layers are discriminator options of the architectures
(`keras_gans.layers`).
"""

from keras_gans.steps import StepContext, split_outputs
from keras_gans.tricks.augment import (
    DiffAugment,
    InstanceNoise,
    adjust_brightness,
    adjust_contrast,
    adjust_saturation,
    cutout,
    instance_noise_stddev,
    translate,
)
from keras_gans.tricks.auxiliary_classifier import (
    AuxiliaryClassifier,
    auxiliary_classification_loss,
)
from keras_gans.tricks.base import Trick, TrickState
from keras_gans.tricks.feature_matching import (
    FeatureMatching,
    PullingAway,
    feature_matching_loss,
    feature_model,
    pulling_away_term,
)
from keras_gans.tricks.historical_averaging import (
    HistoricalAveraging,
    historical_averaging_penalty,
)
from keras_gans.tricks.image_pool import ImagePool
from keras_gans.tricks.linear_decay import LinearDecay
from keras_gans.tricks.matching_aware import MatchingAware, mismatched_conditions
from keras_gans.tricks.mutual_information import (
    MutualInformation,
    categorical_code_loss,
    gaussian_code_loss,
)
from keras_gans.tricks.ttur import ttur_optimizers
from keras_gans.tricks.unrolled import UnrolledDiscriminator

__all__ = [
    "LinearDecay",
    "AuxiliaryClassifier",
    "DiffAugment",
    "FeatureMatching",
    "HistoricalAveraging",
    "ImagePool",
    "InstanceNoise",
    "MatchingAware",
    "MutualInformation",
    "PullingAway",
    "StepContext",
    "Trick",
    "TrickState",
    "UnrolledDiscriminator",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_saturation",
    "auxiliary_classification_loss",
    "categorical_code_loss",
    "cutout",
    "feature_matching_loss",
    "feature_model",
    "gaussian_code_loss",
    "historical_averaging_penalty",
    "instance_noise_stddev",
    "mismatched_conditions",
    "pulling_away_term",
    "split_outputs",
    "translate",
    "ttur_optimizers",
]


def __getattr__(name):
    if name == "StepHooks":
        import warnings

        from keras_gans.steps import Piece

        warnings.warn(
            "keras_gans.tricks.StepHooks is replaced by keras_gans.steps.Piece, whose four "
            "hooks are build, transform, terms and update.",
            DeprecationWarning,
            stacklevel=2,
        )
        return Piece
    raise AttributeError(f"module 'keras_gans.tricks' has no attribute {name!r}")
