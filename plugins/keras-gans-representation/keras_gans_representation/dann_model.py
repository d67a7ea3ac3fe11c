"""`DANNModel`: domain-adversarial training as one player of the step protocol."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_gans import GANModel
from keras_gans.checks import non_negative, positive_int
from keras_gans.models import step
from keras_gans.models.distributed import replica_logs
from keras_gans.steps import DiscriminatorInputs, Piece, Player, StepContext
from keras_gans_representation import _dann_data
from keras_gans_representation._dann_schedules import DANNLearningRate
from keras_gans_representation.gradient_reversal import GradientReversal, adaptation_factor

__all__ = ["DANNModel"]


class _LabelLoss(Piece):
    """The label predictor's cross-entropy on the labelled source batch (`L_y`)."""

    roles = ("discriminator",)
    reports = ("dann/lambda", "dann/label_accuracy")

    def __init__(self):
        super().__init__(name="label")

    def terms(self, player, ctx):
        logits, labels = ctx.extras["class_logits"], ctx.extras["labels"]
        losses = ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)
        return ops.mean(losses)

    def update(self, player, ctx):
        logits, labels = ctx.extras["class_logits"], ctx.extras["labels"]
        hits = ops.cast(ops.equal(ops.argmax(logits, axis=-1), labels), "float32")
        return {"dann/lambda": ctx.extras["lambda"], "dann/label_accuracy": ops.mean(hits)}


def _network(network, argument):
    if not isinstance(network, keras.Model):
        raise TypeError(
            f"`{argument}` must be a keras.Model. Received: {argument}={network!r} of type "
            f"{type(network).__name__}"
        )
    try:
        inputs, outputs = network.inputs, network.outputs
    except (AttributeError, ValueError):
        inputs = outputs = None
    if not inputs or not outputs or len(inputs) != 1 or len(outputs) != 1:
        raise ValueError(
            f"`{argument}` must be a functional keras.Model with one input and one output. "
            f"Received: {argument}={network.name!r}"
        )
    return network


def _width(network):
    return network.outputs[0].shape[-1]


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class DANNModel(GANModel):
    """Domain-adversarial training of a classifier with a gradient-reversal layer.

    A feature extractor `G_f`, a label predictor `G_y` and a domain classifier `G_d`;
    between `G_f` and `G_d` a `GradientReversal` layer whose weight follows the paper's
    schedule `lambda_p = 2 / (1 + exp(-gamma p)) - 1`, `p` the training progress
    (`optimizer.iterations / schedule_steps`, capped at 1; the step count is saved with
    the model, so a resumed run continues the schedule). As in the paper, one optimizer
    (by default SGD with momentum 0.9 and the annealed learning rate
    `0.01 / (1 + 10 p) ** 0.75`) takes one step per batch on `L_y + L_d`: `G_y` descends
    `L_y`, `G_d` descends `L_d`, and `G_f` descends `L_y - lambda L_d`.

    In the step protocol this is one player, `dann` (role `"discriminator"`: it plays the
    domain classifier's side of the adversarial loss, the sources being "real" and the
    targets "fake"), with two pieces: the compiled loss's discriminator term on the
    features seen through the reversal layer (`L_d`, the logistic loss by default) and
    the label cross-entropy on the source batch (`L_y`). The reversal is applied to the
    features, and the pieces run the plain `G_d`: a gradient penalty of the loss (R1,
    WGAN-GP, DRAGAN) sees `G_d`'s own input gradient.

    Data: `fit(x=(x_source, x_target), y=y_source, batch_size=B)`: each step takes `B`
    labelled source samples and `B` unlabelled target samples (the two sets may differ
    in size; an epoch is one pass over the source set, the target set is cycled), or a
    `tf.data.Dataset` yielding `((x_source, x_target), y_source)`. Prediction:
    `predict(x)` / `classify(x)` return class probabilities, and `classifier` is the
    `keras.Model` from samples to probabilities, which `keras_gans.export.export(model,
    ...)` exports (see `export_network`).

    Logged: `d_loss` (`L_d`), `d_real` / `d_fake` (the mean domain logit on source /
    target), `d_term/label` (`L_y`), `dann/lambda` and `dann/label_accuracy` (source
    batch accuracy, before the update).

    Args:
        generator: `G_f`, the feature extractor: a functional `keras.Model` from samples
            to features (the side of the domain game the domain classifier faces; also
            `feature_extractor`).
        discriminator: `G_d`, the domain classifier: from features to one domain logit
            (also `domain_classifier`).
        label_predictor: `G_y`, from features to class logits.
        latent_dim: The feature size (default `None`: read from `G_f`).
        latent_distribution: Kept for `from_architecture`; unused (default `"normal"`).
        num_classes: The class count (default `None`: read from `G_y`).
        seed: Seed of the model's random draws and of `fit`'s shuffling (default `None`).
        ema_decay: Must be `None` (default): DANN keeps no EMA copy.
        **kwargs: Passed to `keras.Model` (e.g. `name`).

    Example:
    >>> import numpy as np, keras_gans
    >>> model = keras_gans.GANModel.from_architecture(
    ...     "dann", data_shape=(6,), num_classes=2, latent_dim=8, seed=0)
    >>> model.compile(schedule_steps=10)
    >>> rng = np.random.default_rng(0)
    >>> xs, xt = rng.normal(size=(32, 6)), rng.normal(1.0, size=(40, 6))
    >>> logs = model.fit((xs, xt), rng.integers(0, 2, 32), batch_size=16, verbose=0)
    >>> model.classify(xs[:3]).shape, int(model.optimizer_steps)
    ((3, 2), 2)

    Reference:
        Ganin & Lempitsky, "Unsupervised Domain Adaptation by Backpropagation", ICML 2015
        (section 3: the model and its optimisation; the schedules are in the
        experiments' training procedure); Ganin et al.,
        "Domain-Adversarial Training of Neural Networks", JMLR 2016.
    """

    def __init__(
        self,
        generator,
        discriminator,
        label_predictor,
        latent_dim=None,
        latent_distribution="normal",
        num_classes=None,
        seed=None,
        ema_decay=None,
        **kwargs,
    ):
        feature_extractor = _network(generator, "generator")
        domain_classifier = _network(discriminator, "discriminator")
        label_predictor = _network(label_predictor, "label_predictor")
        if ema_decay is not None:
            raise ValueError(
                f"DANN keeps no EMA copy of a network: `ema_decay` must be None. "
                f"Received: ema_decay={ema_decay!r}"
            )
        width = _width(feature_extractor)
        latent_dim = width if latent_dim is None else latent_dim
        if latent_dim != width:
            raise ValueError(
                f"`latent_dim` must be the feature extractor's output size ({width}). "
                f"Received: latent_dim={latent_dim!r}"
            )
        num_classes = _width(label_predictor) if num_classes is None else num_classes
        _dann_data.check_networks(
            feature_extractor, label_predictor, domain_classifier, num_classes
        )
        # GANModel checks a (generator, discriminator) pair from latents to scores; DANN's
        # domain game is played on features: an identity "generator" of features passes
        # that check (it validates the domain classifier's input), then the feature
        # extractor takes the generator's place.
        features = keras.Sequential(
            [keras.Input((latent_dim,)), keras.layers.Identity()], name="dann_features"
        )
        super().__init__(
            features,
            domain_classifier,
            latent_dim,
            latent_distribution=latent_distribution,
            num_classes=num_classes,
            seed=seed,
            **kwargs,
        )
        self.generator = feature_extractor
        self.label_predictor = label_predictor
        self.gradient_reversal = GradientReversal(name="gradient_reversal")
        x = keras.Input(feature_extractor.inputs[0].shape[1:], name="x")
        logits = label_predictor(feature_extractor(x))
        probabilities = keras.layers.Softmax(dtype="float32", name="probabilities")(logits)
        self.classifier = keras.Model(x, probabilities, name="dann_classifier")
        self.schedule_steps, self.gamma, self.max_lambda = 10000, 10.0, 1.0

    @property
    def feature_extractor(self):
        """`G_f`, the feature extractor (the model's `generator`)."""
        return self.generator

    @property
    def domain_classifier(self):
        """`G_d`, the domain classifier (the model's `discriminator`)."""
        return self.discriminator

    # ----------------------------------------------------------------- compile
    def compile(
        self,
        optimizer=None,
        loss="minimax",
        schedule_steps=10000,
        gamma=10.0,
        max_lambda=1.0,
        auto_scale_loss=True,
        jit_compile="auto",
        steps_per_execution=1,
        run_eagerly=False,
        tricks=None,
    ):
        """Configures the one optimizer, the domain loss and the schedules.

        Args:
            optimizer: Updates all three networks (default `None`: SGD with momentum 0.9
                and `DANNLearningRate(0.01, schedule_steps)`, the paper's annealing).
            loss: The adversarial loss whose discriminator term is the domain loss `L_d`
                (default `"minimax"`: the logistic loss of the paper).
            schedule_steps: Steps over which the progress `p` goes from 0 to 1 (default
                10000); `lambda` (and the default learning rate) follow it.
            gamma: `gamma` of the `lambda` schedule (default 10.0).
            max_lambda: `lambda` is `max_lambda * (2 / (1 + exp(-gamma p)) - 1)` (default
                1.0; 0 trains the same networks without adaptation, source only).
            auto_scale_loss, jit_compile, steps_per_execution, run_eagerly: As in
                `GANModel.compile`.
            tricks: Further pieces for the player's objective (default none).
        """
        self.schedule_steps = positive_int(schedule_steps, "schedule_steps")
        self.gamma = non_negative(gamma, "gamma")
        self.max_lambda = non_negative(max_lambda, "max_lambda")
        if optimizer is None:
            rate = DANNLearningRate(0.01, schedule_steps=self.schedule_steps)
            optimizer = keras.optimizers.SGD(rate, momentum=0.9)
        given = list(tricks or ())
        super().compile(
            d_optimizer=optimizer,
            g_optimizer=optimizer,
            loss=loss,
            auto_scale_loss=auto_scale_loss,
            jit_compile=jit_compile,
            steps_per_execution=steps_per_execution,
            run_eagerly=run_eagerly,
            tricks=[_LabelLoss(), *given],
        )
        self.g_optimizer = self.d_optimizer  # one optimizer, as in the paper
        self._gan_compile_config = {
            "optimizer": self.d_optimizer,
            "loss": self.adversarial_loss,
            "schedule_steps": self.schedule_steps,
            "gamma": self.gamma,
            "max_lambda": self.max_lambda,
            "auto_scale_loss": auto_scale_loss,
            "jit_compile": jit_compile,
            "steps_per_execution": steps_per_execution,
            "tricks": given,
        }

    @property
    def optimizer_steps(self):
        """The number of training steps taken (the optimizer's `iterations`)."""
        return self.d_optimizer.iterations

    def adaptation_weight(self, step=None):
        """`lambda` at `step` (default: the current step count), as a float32 tensor."""
        step = self.optimizer_steps if step is None else step
        progress = ops.cast(step, "float32") / float(self.schedule_steps)
        return self.max_lambda * adaptation_factor(progress, self.gamma)

    # ----------------------------------------------------------------- the game
    def players(self):
        networks = (self.feature_extractor, self.label_predictor, self.domain_classifier)
        return (Player("dann", "discriminator", networks, self.d_optimizer, prefix="d"),)

    def schedule(self, x, y, training=True):
        """One update of the single player on the `((source, target), labels)` batch."""
        return [(self._players[0], (x, y))]

    def contexts(self, player, batch, training):
        (source, target), labels = batch
        weight = self.adaptation_weight()
        source_features = self.feature_extractor(source, training=training)
        target_features = self.feature_extractor(target, training=training)
        # The features go through the reversal layer, the network the pieces run is the
        # plain domain classifier: an input gradient (R1, WGAN-GP, DRAGAN) is G_d's own,
        # while every term's gradient reaching G_f is multiplied by -lambda.
        inputs = DiscriminatorInputs(
            self.gradient_reversal(source_features, scale=weight),
            self.gradient_reversal(target_features, scale=weight),
            self._discriminate,
        )
        extras = {
            "class_logits": self.label_predictor(source_features, training=training),
            "labels": labels,
            "lambda": weight,
        }
        return [
            StepContext(
                player=player,
                inputs=inputs,
                seed_generator=self.seed_generator,
                iteration=self.optimizer_steps,
                training=training,
                extras=extras,
                gradient=step.gradient,
                all_gather=step.all_gather,
            )
        ]

    def train_step(self, data_batch):
        # GANModel's step, with DANN's own batch: `data.unpack` knows one sample tensor.
        x, y = _dann_data.unpack(data_batch, self.num_classes)
        for player, batch in self.schedule(x, y):
            step.play(self, player, batch)
        return replica_logs(self.metrics)

    def test_step(self, data_batch):
        x, y = _dann_data.unpack(data_batch, self.num_classes)
        for player, batch in self.schedule(x, y, training=False):
            step.evaluate(self, player, batch)
        return replica_logs(self.metrics)

    # ----------------------------------------------------------------- data and use
    def fit(self, x=None, y=None, batch_size=None, epochs=1, shuffle=True, **kwargs):
        """Trains on `x=(x_source, x_target)`, `y=y_source`, or a dataset (see above).

        Args:
            x: `(x_source, x_target)` arrays, or a `tf.data.Dataset` of
                `((x_source, x_target), y_source)` batches.
            y: The source labels, class ids (with arrays).
            batch_size: Source (and target) samples per step (default 32).
            epochs: As in `keras.Model.fit` (default 1).
            shuffle: Reshuffle both sets every epoch, seeded by `seed` (default `True`).
            **kwargs: Passed to `keras.Model.fit`; `validation_data` may also be
                `((x_source, x_target), y_source)` arrays.

        Returns:
            The `History`.
        """
        if self.adversarial_loss is None:
            raise RuntimeError("Call `compile()` before `fit`.")
        dataset = _dann_data.as_dataset(self, x, y, batch_size, shuffle, "x")
        validation = kwargs.pop("validation_data", None)
        if validation is not None:
            validation = _dann_data.validation_dataset(self, validation, batch_size)
        kwargs["shuffle"] = False  # the dataset shuffles itself
        return keras.Model.fit(self, dataset, epochs=epochs, validation_data=validation, **kwargs)

    def evaluate(self, x=None, y=None, batch_size=None, **kwargs):
        """The logged losses on `x=(x_source, x_target)`, `y=y_source`, or a dataset."""
        dataset = _dann_data.as_dataset(self, x, y, batch_size, False, "x")
        return keras.Model.evaluate(self, dataset, **kwargs)

    def call(self, inputs, training=False):
        """Class probabilities of `inputs` (so `predict(x)` classifies)."""
        return self.classifier(inputs, training=training)

    def classify(self, x, batch_size=256):
        """Class probabilities of the samples `x`, a NumPy array `(n, num_classes)`.

        Args:
            x: Samples of the feature extractor's input shape.
            batch_size: Samples per forward pass (default 256).
        """
        x = _dann_data.check_samples(x, self.feature_extractor, "x")
        batch_size = positive_int(batch_size, "batch_size")
        parts = [
            ops.convert_to_numpy(self.classifier(x[i : i + batch_size], training=False))
            for i in range(0, len(x), batch_size)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, self.num_classes), "float32")

    def export_network(self, use_ema=True):
        """What `keras_gans.export.export(model, ...)` exports: `(classifier, "classifier")`.

        The model's `generator` is the feature extractor; the served network is the
        classifier that `predict` runs (samples to class probabilities). DANN keeps no
        EMA copy, so `use_ema` changes nothing.
        """
        return self.classifier, "classifier"

    def generate(self, *args, **kwargs):
        raise NotImplementedError(
            "DANNModel classifies samples, it does not generate them: use classify(x), "
            "predict(x) or the `classifier` network."
        )

    # ----------------------------------------------------------------- config
    def get_config(self):
        return {
            **super().get_config(),
            "label_predictor": keras.saving.serialize_keras_object(self.label_predictor),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["label_predictor"] = keras.saving.deserialize_keras_object(config["label_predictor"])
        return super().from_config(config)
