"""Conformance checks for training, saving and reloading a `GANModel`."""

from __future__ import annotations

import math
from pathlib import Path

import keras
import numpy as np

from keras_gans.testing._expect import expect, shown, to_numpy
from keras_gans.testing.architecture_checks import sample_labels

__all__ = ["check_fit", "check_save_load"]


def _optimizer_steps(gan):
    return int(to_numpy(gan.d_optimizer.iterations)), int(to_numpy(gan.g_optimizer.iterations))


def _examples(data):
    """How many examples `data` holds (an array, or a tuple/dict of arrays)."""
    return len(keras.tree.flatten(data)[0])


def _player_weights(gan):
    """`{player name: its networks' trainable weights as arrays}`, players of `gan`."""
    return {
        player.name: [to_numpy(w) for n in player.networks for w in n.trainable_weights]
        for player in gan._players
    }


def _optimizers(gan):
    """Every distinct optimizer of `gan`'s players, in the players' order."""
    found = []
    for player in gan._players:
        if not any(player.optimizer is seen for seen in found):
            found.append(player.optimizer)
    return found


def _generate_labels(gan, n, seed=0):
    """`n` conditions of the generator's condition input (`sample_labels`), or `None`."""
    if not gan.conditional:
        return None
    return sample_labels(n, gan.num_classes, condition=gan.generator.inputs[1], seed=seed)


def _fit_once(gan, data, labels, batch_size, what):
    """Fits one epoch over `data`, checks its logs and optimizer steps; returns the logs."""
    before = _optimizer_steps(gan)
    history = gan.fit(
        data, labels, batch_size=batch_size, epochs=1, shuffle=False, verbose=0
    ).history
    logs = {key: values[-1] for key, values in history.items()}
    # Every critic logs `<prefix>_loss` and its penalties (`d_...`, or `d_a_...` and
    # `d_b_...` for CycleGAN's two); the classic generator logs `g_loss`.
    critics = [p.prefix for p in gan._players if p.role == "discriminator"]
    expected = [f"{c}_loss" for c in critics]
    expected += ["g_loss"] if any(p.prefix == "g" for p in gan._players) else []
    expected += [f"{c}_penalty/{p.name}" for c in critics for p in gan.adversarial_loss.penalties]
    for key in expected:
        expect(key in logs, f"{what}: fit() must log `{key}`. Received logs {sorted(logs)}.")
        expect(
            math.isfinite(float(logs[key])),
            f"{what}: fit() logged a non-finite {key}={logs[key]!r}. Logs: {logs}",
        )
    steps = math.ceil(_examples(data) / batch_size)
    increments = tuple(a - b for a, b in zip(_optimizer_steps(gan), before, strict=True))
    expect(
        increments == (steps * gan.d_steps, steps),
        f"{what}: {steps} train steps with d_steps={gan.d_steps} must make "
        f"{steps * gan.d_steps} discriminator and {steps} generator updates. Received "
        f"{increments[0]} and {increments[1]}.",
    )
    return logs


def check_fit(
    model_or_arch_name,
    data=None,
    *,
    labels=None,
    loss=None,
    d_steps=1,
    batch_size=16,
    steps=2,
    seed=0,
    **arch_kwargs,
):
    """Checks that a short `fit` trains both networks and logs finite losses.

    Args:
        model_or_arch_name: A `keras_gans.GANModel` (compiled or not) or the name of an
            installed architecture, built with `GANModel.from_architecture(name,
            **arch_kwargs)` (and compiled, if needed, with the architecture's
            `make_optimizers`: Adam 1e-3, beta_1 0.5).
        data: Real samples (a NumPy array); default `None`: `steps * batch_size` uniform
            samples in [-1, 1] of the generator's output shape.
        labels: Conditions for a conditional model (default `None`: `sample_labels` of
            the generator's condition input: cycling class ids, or random normal vectors
            for a float embedding input). A translation model (one with `directions`)
            needs both: its A images as `data` and its B images as `labels`.
        loss: The loss to compile an uncompiled model with (default `None`: the
            architecture's `default_loss`, or `"non-saturating"`).
        d_steps: Discriminator updates per generator update, when compiling (default 1).
        batch_size: The `fit` batch size, holding `d_steps` real minibatches (default 16).
        steps: How many train steps, when `data` is `None` (default 2).
        seed: Seed of the model's latent sampler and the synthetic data (default 0).
        **arch_kwargs: The architecture's keywords, when a name is given.

    Returns:
        The trained `GANModel`, e.g. for `check_save_load`.

    Example:
    >>> gan = check_fit("mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,))
    >>> sorted(gan.history.history)[:2]
    ['d_fake', 'd_loss']
    """
    from keras_gans import GANModel, architectures

    if isinstance(model_or_arch_name, str):
        # The architecture (`ema_decay` is the model's keyword) gives the default loss and
        # builds its own Adam (e.g. ProGAN's RestartableAdam when its stages restart it).
        keywords = {k: v for k, v in arch_kwargs.items() if k != "ema_decay"}
        arch = architectures.get(model_or_arch_name, **keywords)
        gan = GANModel.from_architecture(model_or_arch_name, seed=seed, **arch_kwargs)
    else:
        expect(
            isinstance(model_or_arch_name, GANModel),
            "`model_or_arch_name` must be a keras_gans.GANModel or an architecture name. "
            f"Received: {shown(model_or_arch_name)}",
        )
        # The base class's defaults: the non-saturating loss and keras.optimizers.Adam.
        arch, gan = architectures.Architecture(), model_or_arch_name
    if gan.adversarial_loss is None:
        d_optimizer, g_optimizer = arch.make_optimizers(1e-3, 1e-3, 0.5, 0.999)
        gan.compile(
            d_optimizer=d_optimizer,
            g_optimizer=g_optimizer,
            loss=loss or arch.default_loss,
            d_steps=d_steps,
        )
    directions = getattr(gan, "directions", None)
    both = isinstance(data, (tuple, list)) and len(data) == 2  # data=(a, b)
    if directions and (data is None or (labels is None and not both)):
        missing = " and ".join(n for n, v in (("data", data), ("labels", labels)) if v is None)
        raise AssertionError(
            f"{gan.name} is a translation model (directions {tuple(directions)}) that trains on "
            "domain A and domain B images: pass the A images as `data=` and the B images as "
            f"`labels=`, or both as `data=(a, b)` (to check_fit or run_all). "
            f"Received: {missing}=None"
        )
    if data is None:
        shape = tuple(gan.generator.outputs[0].shape[1:])
        rng = np.random.default_rng(seed)
        data = rng.uniform(-1.0, 1.0, size=(steps * batch_size, *shape)).astype("float32")
    if labels is None:
        labels = _generate_labels(gan, _examples(data), seed)
    weights = _player_weights(gan)
    what = f"check_fit({gan.name})"
    _fit_once(gan, data, labels, batch_size, what)
    for player, new in _player_weights(gan).items():
        old = weights[player]
        changed = any(not np.array_equal(a, b) for a, b in zip(old, new, strict=True))
        expect(changed, f"{what}: fit() left every weight of the {player} player unchanged.")
    return gan


def _is_translator(gan):
    return callable(getattr(gan, "translate", None)) and bool(getattr(gan, "directions", ()))


def _check_same_outputs(gan, loaded, data, labels, n, seed, what):
    """`generate(n, seed)` (or, for a translation model, `translate` of the first `n`
    images of `data` (A to B) and of `labels` (B to A, if it translates back)) is identical
    after loading."""
    if _is_translator(gan):
        expect(
            data is not None,
            f"{what}: a translation model ({type(gan).__name__}) needs `data` (domain A images) "
            "to compare translations. Received: data=None",
        )
        sources = {"a2b": ("data", data), "b2a": ("labels", labels)}
        for direction in gan.directions:
            argument, images = sources[direction]
            if images is None:
                continue
            images = keras.tree.flatten(images)[0][:n]
            call = f"translate({argument}[:{n}], {direction!r})"
            before = gan.translate(images, direction=direction)
            after = loaded.translate(images, direction=direction)
            expect(
                np.array_equal(before, after),
                f"{what}: {call} differs after loading (max abs difference "
                f"{np.max(np.abs(before - after)):.3g}).",
            )
        return
    generate_labels = _generate_labels(gan, n, seed)
    before = gan.generate(n, seed=seed, labels=generate_labels)
    after = loaded.generate(n, seed=seed, labels=generate_labels)
    expect(
        np.array_equal(before, after),
        f"{what}: generate({n}, seed={seed}) differs after loading (max abs difference "
        f"{np.max(np.abs(before - after)):.3g}).",
    )


def check_save_load(gan, tmp_path, data=None, *, labels=None, n=4, seed=0, batch_size=16):
    """Checks that `gan` saves to `.keras`, reloads in safe mode and resumes training.

    After `gan.save(tmp_path / "<name>.keras")` and
    `keras_gans.load_model(path, safe_mode=True)` in the same process: the class,
    `latent_dim`, `d_steps` and loss config are the same; every weight is equal;
    `generate(n, seed=seed)` (a translation model: `translate` of `data[:n]`) gives
    identical outputs; every player's optimizer state (step
    counts and slots) is restored; and one more epoch of `fit` trains the reloaded model
    with finite losses.

    Args:
        gan: A compiled `GANModel`, trained or not.
        tmp_path: A directory to save into.
        data: Real samples to continue training on (default `None`: `batch_size` samples
            drawn from `gan` itself, which is enough to exercise the train step; required
            for a translation model: its domain A images).
        labels: Conditions matching `data` for a conditional model, or a translation
            model's domain B images (default `None`: `sample_labels` of the generator's
            condition input).
        n: How many samples to compare (default 4).
        seed: Seed passed to `generate` (default 0).
        batch_size: Batch size of the resumed `fit` (default 16).

    Returns:
        The reloaded `GANModel`.

    Example:
    >>> import tempfile
    >>> gan = check_fit("mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,))
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     reloaded = check_save_load(gan, directory)
    >>> reloaded.latent_dim
    4
    """
    expect(
        getattr(gan, "adversarial_loss", None) is not None,
        f"check_save_load needs a compiled GANModel. Received: {shown(gan)}",
    )
    path = Path(tmp_path) / f"{gan.name}.keras"
    what = f"check_save_load({gan.name})"
    from keras_gans import load_model

    try:
        gan.save(path)
        loaded = load_model(path, safe_mode=True)
    except Exception as error:
        raise AssertionError(
            f"{what}: saving to {path.name} and loading it back with keras_gans.load_model "
            f"(safe_mode=True) failed: {type(error).__name__}: {error}"
        ) from error
    expect(
        type(loaded) is type(gan),
        f"{what}: load_model must restore a {type(gan).__name__}. "
        f"Received {type(loaded).__name__}.",
    )
    for attribute in ("latent_dim", "num_classes", "conditional", "d_steps"):
        expect(
            getattr(loaded, attribute) == getattr(gan, attribute),
            f"{what}: `{attribute}` is {getattr(loaded, attribute)!r} after loading, "
            f"{getattr(gan, attribute)!r} before.",
        )
    restored_loss = getattr(loaded, "adversarial_loss", None)
    expect(
        type(restored_loss) is type(gan.adversarial_loss)
        and restored_loss.get_config() == gan.adversarial_loss.get_config(),
        f"{what}: the loss is {shown(restored_loss)} after loading, "
        f"{shown(gan.adversarial_loss)} before (the compile config was not restored).",
    )
    expect(
        len(gan.weights) == len(loaded.weights)
        and all(
            np.array_equal(to_numpy(a), to_numpy(b))
            for a, b in zip(gan.weights, loaded.weights, strict=True)
        ),
        f"{what}: the model's weights differ after loading.",
    )
    _check_same_outputs(gan, loaded, data, labels, n, seed, what)
    optimizers = _optimizers(gan), _optimizers(loaded)
    expect(
        len(optimizers[0]) == len(optimizers[1]),
        f"{what}: {len(optimizers[0])} optimizers before saving, {len(optimizers[1])} after.",
    )
    for index, (old_optimizer, new_optimizer) in enumerate(zip(*optimizers, strict=True)):
        role = f"optimizer {index} ({old_optimizer.name})"
        old, new = old_optimizer.variables, new_optimizer.variables
        expect(
            len(old) == len(new)
            and all(
                np.array_equal(to_numpy(a), to_numpy(b)) for a, b in zip(old, new, strict=True)
            ),
            f"{what}: the state of `{role}` (step count and slots) was not restored.",
        )
    if data is None:
        conditions = _generate_labels(gan, batch_size, seed + 1)
        data = gan.generate(batch_size, seed=seed + 1, labels=conditions)
    if labels is None:
        labels = _generate_labels(loaded, _examples(data), seed)
    _fit_once(loaded, data, labels, batch_size, f"{what}, resumed")
    return loaded
