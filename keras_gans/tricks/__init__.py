"""Composable train-step extras: the stabilisation toolkit.

Pass them to `GANModel.compile(tricks=[...])`; each hooks into the train step through the
methods of `StepHooks` (see `keras_gans.tricks.base`), so the train step itself never
branches on a flag. Losses use the same hooks (BEGAN's k, EBGAN's pulling-away term).

- Discriminator inputs: `InstanceNoise`, `DiffAugment`.
- Fakes: `ImagePool` (experience replay).
- Objective terms: `FeatureMatching`, `PullingAway`, `HistoricalAveraging`.
- Auxiliary tasks: `AuxiliaryClassifier` (ACGAN), `MutualInformation` (InfoGAN),
  `MatchingAware` (GAN-CLS); the `acgan`, `infogan` and `gan-cls` architectures bring them.
- The generator's view of the discriminator: `UnrolledDiscriminator`.
- Learning rates: `ttur_optimizers`.

Elsewhere: the EMA of the generator is `GANModel(ema_decay=...)` or the
`keras_gans.callbacks.EMAGenerator` callback; label smoothing and flipping are options of
the losses (`NonSaturating(label_smoothing=...)`, `NoisyLabels`); PacGAN, spectral
normalisation and the minibatch layers are discriminator options of the architectures
(`keras_gans.layers`).
"""

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
from keras_gans.tricks.base import StepHooks, Trick, TrickState
from keras_gans.tricks.context import StepContext, split_outputs
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
from keras_gans.tricks.matching_aware import MatchingAware, mismatched_conditions
from keras_gans.tricks.mutual_information import (
    MutualInformation,
    categorical_code_loss,
    gaussian_code_loss,
)
from keras_gans.tricks.ttur import ttur_optimizers
from keras_gans.tricks.unrolled import UnrolledDiscriminator

__all__ = [
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
    "StepHooks",
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
