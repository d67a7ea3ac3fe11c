"""The hooks of the train step, and `Trick`, the base class of every composable extra.

`GANModel.train_step` is a fixed sequence; every extra (a loss with state, an augmentation,
an image pool, an auxiliary classifier, an unrolled discriminator) is an object that
overrides some of the hooks below, and the train step calls each hook of each piece in
order. Nothing in the train step reads a flag.

One `train_step` (one generator update), with `pieces = [loss, *loss.tricks, *tricks]`:

```
for each of the d_steps real minibatches:
    fake = G(latent)                                    (no gradient to G)
    context = StepContext(real, fake, ...)              (inputs go through transform_inputs)
    context = piece.discriminator_step_context(context) for each piece
    D update on loss.discriminator_objective(context) + penalties
                 + piece.discriminator_term(context) for each piece
    piece.after_discriminator_step(context) for each piece
latent -> fake = G(latent)                              (differentiable)
context = piece.generator_step_context(context) for each piece
G update on loss.generator_objective(context) + piece.generator_term(context) for each piece
piece.after_generator_step(context) for each piece      (EMA of the generator is one)
```
"""

from __future__ import annotations

import keras

__all__ = ["StepHooks", "Trick", "TrickState"]


class StepHooks:
    """The train-step hooks, all no-ops by default (shared by losses and tricks).

    Override the ones a piece needs:

    - `build(model)`: called by `GANModel.compile` (under the caller's distribution scope)
      before training; create variables here, in a `TrickState` assigned to `self.state`,
      so the model tracks, distributes and saves them.
    - `transform_inputs(tensors, context) -> tensors`: transforms the discriminator's
      inputs, `[real, fake]`, in both steps (instance noise, DiffAugment). Must not read
      `context.real` / `context.fake` (they are what it produces).
    - `discriminator_step_context(context) -> context`: before the discriminator update,
      outside its gradient tape (an image pool swaps the fakes here).
    - `generator_step_context(context) -> context`: inside the generator's gradient tape,
      before its objective (the unrolled GAN swaps in an unrolled discriminator here).
    - `discriminator_term(context)` / `generator_term(context)`: a weighted scalar added
      to that player's objective and logged as `d_term/<name>` / `g_term/<name>`, or
      `None`.
    - `after_discriminator_step(context)` / `after_generator_step(context)`: after the
      optimizer step, for state updates (BEGAN's k, historical averages, EMA).
    - `metric_names`: the names of extra values the piece reports with `context.log`.

    Attributes:
        state: A `TrickState` holding the piece's variables, or `None` (default).
    """

    state = None

    def build(self, model):
        """Creates the piece's state for `model` (default: nothing)."""

    def transform_inputs(self, tensors, context):
        """Returns the discriminator inputs `tensors` transformed (default: unchanged)."""
        return tensors

    def discriminator_step_context(self, context):
        """Returns the context of a discriminator update (default: unchanged)."""
        return context

    def generator_step_context(self, context):
        """Returns the context of a generator update (default: unchanged)."""
        return context

    def discriminator_term(self, context):
        """A weighted term for the discriminator's objective, or `None` (default)."""
        return None

    def generator_term(self, context):
        """A weighted term for the generator's objective, or `None` (default)."""
        return None

    def after_discriminator_step(self, context):
        """Updates state after each discriminator update (default: nothing)."""

    def after_generator_step(self, context):
        """Updates state after each generator update (default: nothing)."""

    @property
    def metric_names(self):
        """Names of the values this piece logs: its terms and its `context.log` reports."""
        names = []
        if type(self).discriminator_term is not StepHooks.discriminator_term:
            names.append(f"d_term/{self.name}")
        if type(self).generator_term is not StepHooks.generator_term:
            names.append(f"g_term/{self.name}")
        return tuple(names)


def _check_name(name):
    if not isinstance(name, str) or not name or "/" in name:
        raise ValueError(f"`name` must be a non-empty string without '/'. Received: name={name!r}")
    return name


class Trick(StepHooks):
    """Base class of composable train-step extras passed to `GANModel.compile(tricks=...)`.

    A subclass stores its constructor arguments as same-named attributes, returns them
    from `get_config`, is registered with
    `@keras.saving.register_keras_serializable(package=...)` (so a saved model's compile
    config restores it), and overrides the hooks of `StepHooks` it needs.

    Args:
        name: The key under which its terms and reports are logged (default: the class
            name in snake case).

    Example:
    >>> from keras import ops
    >>> class Zero(Trick):
    ...     def generator_term(self, context):
    ...         return ops.zeros(())
    >>> Zero(name="zero").metric_names
    ('g_term/zero',)
    """

    def __init__(self, name=None):
        self.name = _check_name(name or _snake_case(type(self).__name__))

    def get_config(self):
        """Returns the constructor arguments as a JSON-serialisable dict."""
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _snake_case(name):
    out = []
    for i, char in enumerate(name):
        if char.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(char.lower())
    return "".join(out)


class TrickState(keras.layers.Layer):
    """Holds a piece's variables so that `GANModel` tracks, distributes and saves them.

    Create it in `build(model)` and assign it to `self.state`; `GANModel.compile` collects
    every piece's state, so the variables are saved in `.keras` files and restored on load
    (training then resumes with them). Variables are not trainable and float32 by default.

    Under `tf.distribute`, a variable is assigned from every replica: `aggregation="mean"`
    (default) stores the mean of the replicas' values, `"only_first_replica"` the first
    replica's (for integer counters, buffers of samples).

    Args:
        name: The layer name (default `None`: automatic).

    Example:
    >>> state = TrickState()
    >>> k = state.variable("k", initializer="ones")
    >>> float(k.numpy())
    1.0
    """

    def __init__(self, name=None):
        super().__init__(name=name, trainable=False, dtype="float32")
        self.built = True

    def variable(self, name, shape=(), dtype="float32", initializer="zeros", aggregation="mean"):
        """Creates a non-trainable variable.

        Args:
            name: The variable name.
            shape: Its shape (default `()`).
            dtype: Its dtype (default `"float32"`).
            initializer: A Keras initializer (default `"zeros"`).
            aggregation: How replicas' assignments combine (default `"mean"`).

        Returns:
            The `keras.Variable`.
        """
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=False,
            aggregation=aggregation,
            name=name,
        )
