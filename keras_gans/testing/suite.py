"""`run_all`: every conformance check for one installed plugin, by name."""

from __future__ import annotations

import tempfile

import keras

from keras_gans.testing._expect import expect
from keras_gans.testing.architecture_checks import check_architecture
from keras_gans.testing.loss_checks import check_loss
from keras_gans.testing.penalty_checks import check_penalty
from keras_gans.testing.training_checks import check_fit, check_save_load

__all__ = ["KINDS", "run_all", "tiny_gan"]

#: The plugin kinds `run_all` knows, as `keras_gans` attribute names.
KINDS = ("architectures", "losses", "penalties")


def tiny_gan(seed=0):
    """Returns an uncompiled `GANModel` of two tiny dense networks on 2-D points.

    Used to train losses and penalties without depending on any architecture plugin.

    Args:
        seed: Seed of the latent sampler and of the weight initialisers (default 0).

    Returns:
        A `keras_gans.GANModel` with `latent_dim=4`.

    Example:
    >>> tiny_gan().latent_dim
    4
    """
    from keras_gans import GANModel

    def dense(units, offset):
        initializer = keras.initializers.GlorotUniform(seed + offset)
        return keras.layers.Dense(units, kernel_initializer=initializer)

    generator = keras.Sequential(
        [keras.Input((4,)), dense(8, 0), keras.layers.ReLU(), dense(2, 1)], name="tiny_generator"
    )
    discriminator = keras.Sequential(
        [keras.Input((2,)), dense(8, 2), keras.layers.LeakyReLU(0.2), dense(1, 3)],
        name="tiny_discriminator",
    )
    return GANModel(generator, discriminator, latent_dim=4, seed=seed, name="tiny_gan")


def _registries():
    from keras_gans import architectures, losses, penalties

    return {"architectures": architectures, "losses": losses, "penalties": penalties}


def run_all(name, *, kind=None, tmp_path=None, data=None, labels=None, seed=0, **kwargs):
    """Runs every conformance check for the installed plugin `name`.

    - An architecture: `check_architecture`, then `check_fit` with its `default_loss`
      and `check_save_load` (on `data`, or synthetic samples of its output shape).
    - A loss: `check_loss`, then `check_fit` and `check_save_load` of `tiny_gan()`
      compiled with it.
    - A penalty: `check_penalty`, then the same training checks with
      `NonSaturating(penalties=[penalty])`.

    A name registered in several kinds (such as `dragan`, a loss and a penalty) is checked
    as each, unless `kind` picks one.

    Args:
        name: The registry key, e.g. `"wgan-gp"` or `"tiny-mlp"`.
        kind: `"architectures"`, `"losses"`, `"penalties"` or `None` (default: every kind
            that has `name`).
        tmp_path: Where `check_save_load` saves (default `None`: a temporary directory).
        data: Real samples for the architecture's training checks (default `None`:
            synthetic ones). A translation plugin (its model has `directions`, e.g.
            pix2pix) has no default: pass its domain A images here and its B images as
            `labels`, else an `AssertionError` says so.
        labels: Conditions matching `data`: class ids or embedding vectors, or a
            translation model's domain B images (default `None`: `sample_labels` of the
            generator's condition input).
        seed: Seed of every check (default 0).
        **kwargs: Keywords for the plugin's constructor, e.g. `data_shape=(2,)`.

    Returns:
        The kinds that were checked, e.g. `("losses", "penalties")`.

    Raises:
        AssertionError: a check failed, or no installed plugin is called `name`.

    Example:
    >>> run_all("hinge")
    ('losses',)
    """
    registries = _registries()
    expect(
        kind is None or kind in KINDS,
        f"`kind` must be None or one of {KINDS}. Received: kind={kind!r}",
    )
    kinds = tuple(k for k in (KINDS if kind is None else (kind,)) if name in registries[k].registry)
    if not kinds:
        installed = "; ".join(f"{k}: {', '.join(registries[k].names())}" for k in KINDS)
        raise AssertionError(f"No installed plugin is called {name!r}. Installed: {installed}")
    with tempfile.TemporaryDirectory() as fallback:
        directory = tmp_path or fallback
        for found in kinds:
            plugin = registries[found].get(name, **kwargs)
            if found == "architectures":
                check_architecture(plugin, seed=seed)
                gan = check_fit(name, data, labels=labels, seed=seed, **kwargs)
            elif found == "losses":
                check_loss(plugin, seed=seed)
                gan = check_fit(tiny_gan(seed), loss=plugin, seed=seed)
            else:
                from keras_gans.losses import NonSaturating

                check_penalty(plugin, seed=seed)
                loss = NonSaturating(penalties=[plugin])
                gan = check_fit(tiny_gan(seed), loss=loss, seed=seed)
            if getattr(gan, "directions", None):  # a translation model: (a, b) pairs
                check_save_load(gan, directory, data, labels=labels, seed=seed)
            else:
                check_save_load(gan, directory, seed=seed)
    return kinds
