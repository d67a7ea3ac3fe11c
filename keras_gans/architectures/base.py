"""The `Architecture` base class: what an architecture plugin provides."""

from __future__ import annotations

import inspect

__all__ = ["Architecture"]


class Architecture:
    """Describes and builds a generator/discriminator pair.

    An architecture plugin subclasses this, takes explicit keyword hyperparameters in its
    `__init__` (stored as same-named attributes and returned by `get_config`), and
    implements `build_generator` and `build_discriminator`. It is registered in the
    `keras_gans.architectures` entry-point group and selected by name:
    `keras_gans.architectures.get("dcgan", image_shape=(28, 28, 1), latent_dim=100)`.

    Every architecture exposes `latent_dim`; label-conditioned ones also expose
    `num_classes` (`None` when unconditional).

    A family with more networks (an encoder, a code discriminator, two generators) sets
    `model_class` to its `GANModel` subclass and returns every network's constructor keyword
    from `build_networks`; `GANModel.from_architecture` (and so `keras-gans train --arch`)
    then builds that subclass.

    Class attributes:
        default_loss: The registered loss the architecture was designed with.
        model_class: The `GANModel` subclass the family trains with (default `None`:
            `GANModel` itself).
        pairing: For translation families, whose data is two image domains: `"paired"`
            (pix2pix) or `"unpaired"` (CycleGAN); `keras-gans train` then reads
            `--data A --target B` with `keras_gans.datasets.load_pairs` (default `None`).
        default_batch_size: The CLI's batch size when `--batch-size` is not given (default
            64; translation papers use 1).
        optimizer_defaults: The paper's Adam settings, any of `d_lr`, `g_lr`, `beta1`,
            `beta2` (default empty: DCGAN's 2e-4, 2e-4, 0.5, 0.999); the CLI uses them for
            the flags not given, and `default_optimizers()` builds them.
        legacy_keywords: Keywords added to `__init__` after runs were made without them,
            each mapped to the value that rebuilds the networks those runs had (default
            empty). A run rebuilt from its recorded configuration without the keyword
            (`keras-gans train --resume` from a backup) gets that value, not today's
            default.
    """

    default_loss = "non-saturating"
    model_class = None
    pairing = None
    default_batch_size = 64
    optimizer_defaults: dict = {}
    legacy_keywords: dict = {}
    latent_dim: int
    num_classes: int | None = None

    def build_generator(self):
        """Returns a new generator `keras.Model` mapping `z` (or `[z, labels]`) to samples."""
        raise NotImplementedError(f"{type(self).__name__} must implement build_generator().")

    def build_discriminator(self):
        """Returns a new discriminator `keras.Model` mapping samples to raw scores."""
        raise NotImplementedError(f"{type(self).__name__} must implement build_discriminator().")

    def build_networks(self):
        """Returns every network of the model, keyed by its `model_class` constructor keyword.

        Default: `{"generator": build_generator(), "discriminator": build_discriminator()}`.
        A family with more networks adds its own (e.g. `"encoder"`).
        """
        return {"generator": self.build_generator(), "discriminator": self.build_discriminator()}

    def default_tricks(self):
        """Returns new `keras_gans.tricks.Trick` objects the architecture trains with.

        An architecture whose discriminator has auxiliary heads brings the terms that
        train them (ACGAN's classifier, InfoGAN's mutual information, GAN-CLS's
        mismatched pairs); `GANModel.from_architecture` keeps them and `compile` adds them
        to its `tricks` unless one with the same name is given. Default: none.
        """
        return []

    def default_optimizers(self):
        """Returns `(d_optimizer, g_optimizer)`: Adam with the paper's `optimizer_defaults`.

        Settings the architecture does not name are DCGAN's (learning rates 2e-4, beta_1
        0.5, beta_2 0.999; Radford et al. 2016); SAGAN's TTUR and ProGAN's settings come
        with their architectures: `gan.compile(*arch.default_optimizers(), loss=...)`.
        """
        settings = {"d_lr": 2e-4, "g_lr": 2e-4, "beta1": 0.5, "beta2": 0.999}
        settings.update(self.optimizer_defaults)
        return self.make_optimizers(**settings)

    def make_optimizers(self, d_lr, g_lr, beta1, beta2):
        """Returns `(d_optimizer, g_optimizer)`: the family's Adam with these settings.

        `default_optimizers()` and `keras-gans train` build through it (the rates may be
        schedules); a family whose training needs another Adam (ProGAN's optimizer
        resets) overrides it. Default: `keras.optimizers.Adam`.
        """
        import keras

        betas = {"beta_1": beta1, "beta_2": beta2}
        return keras.optimizers.Adam(d_lr, **betas), keras.optimizers.Adam(g_lr, **betas)

    def default_latent_distribution(self):
        """Returns the generator's latent prior: a name or a `LatentDistribution`.

        `GANModel.from_architecture` passes it as `latent_distribution`; InfoGAN's
        structured latent is one. Default: `"normal"`.
        """
        return "normal"

    def get_config(self):
        """Returns the constructor keywords, read from the same-named attributes."""
        parameters = inspect.signature(type(self).__init__).parameters
        return {name: getattr(self, name) for name in parameters if name != "self"}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    @classmethod
    def describe(cls):
        """Returns the first line of the class docstring."""
        doc = (cls.__doc__ or "").strip().splitlines()
        return doc[0] if doc else cls.__name__

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"
