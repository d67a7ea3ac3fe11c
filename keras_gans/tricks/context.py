"""`StepContext`: what losses, penalties and tricks see during one network update.

`GANModel` builds one context per discriminator update and one per generator update and
hands it to every piece of the objective. The context computes discriminator outputs lazily
(and once): a piece that never reads `real_output` in the generator step costs no extra
forward pass, and a piece that does (a relativistic loss) gets it without a flag.

The context is written with `keras.ops` only; the train step supplies the one backend
capability it needs, `gradient(fn, x)`, so penalties and tricks stay backend-agnostic.
"""

from __future__ import annotations

from keras import ops

__all__ = ["StepContext", "split_outputs"]

_SAME = object()  # "the context's own condition" in `discriminate(x, condition=...)`


def split_outputs(outputs):
    """Splits raw discriminator outputs into the adversarial score and auxiliary heads.

    A discriminator may return one tensor (the score), a dict with a `"score"` entry and
    any other named heads (e.g. `"class_logits"` for ACGAN, `"embedding"` for EBGAN), or a
    list/tuple whose first item is the score (the others become heads `"output_1"`, ...).

    Args:
        outputs: What the discriminator returned.

    Returns:
        `(score, heads)`: the score tensor and a dict of the other outputs.

    Example:
    >>> score, heads = split_outputs({"score": [[1.0]], "embedding": [[0.5, 2.0]]})
    >>> score, sorted(heads)
    ([[1.0]], ['embedding'])
    """
    if isinstance(outputs, dict):
        if "score" not in outputs:
            raise ValueError(
                "A discriminator that returns a dict must have a 'score' entry (the "
                f"adversarial output). Received keys: {sorted(outputs)}"
            )
        return outputs["score"], {k: v for k, v in outputs.items() if k != "score"}
    if isinstance(outputs, (list, tuple)):
        return outputs[0], {f"output_{i}": out for i, out in enumerate(outputs) if i > 0}
    return outputs, {}


def _float32(x):
    return x if x.dtype == "float32" else ops.cast(x, "float32")


class StepContext:
    """The view of one discriminator or generator update given to losses, penalties, tricks.

    Attributes (read-only unless noted):
        real: The real minibatch as the discriminator sees it (after every trick's
            `transform_inputs`, e.g. instance noise or DiffAugment), float32.
        fake: The generated minibatch as the discriminator sees it; in the generator step it
            is differentiable with respect to the generator's weights.
        raw_real, raw_fake: The same before the input transforms.
        condition: Labels or embeddings shared by `real` and `fake`, or `None`.
        latent: The generator input that produced `raw_fake` (`None` if unknown).
        real_output, fake_output: The adversarial scores (float32), computed on first access.
        real_heads, fake_heads: Dicts of the discriminator's auxiliary outputs (see
            `split_outputs`), computed with the same forward pass as the scores.
        seed_generator: A `keras.random.SeedGenerator` (distinct per replica under
            `tf.distribute`).
        role: `"discriminator"` or `"generator"`: which network this update trains.
        training: Whether this is a training update (`False` in `evaluate`).
        iteration: Generator updates done so far (an integer tensor), e.g. for schedules.
        model: The `GANModel` (its `generator`, `discriminator`, `sample_latent`,
            `generator_output`, `adversarial_loss`), or `None` outside a model.
        logs: Dict of extra named values reported with `log` (writable through `log`).

    Args:
        real: The real minibatch (before transforms).
        fake: The generated minibatch (before transforms).
        condition: Shared conditioning input (default `None`).
        real_output: Precomputed scores on `real` (default `None`: computed lazily).
        fake_output: Precomputed scores on `fake` (default `None`: computed lazily).
        discriminate: A function `x -> scores` (default `None`: derived from `network`).
        input_gradient: A function `x -> d sum(D(x)) / dx` (default `None`: derived from
            `gradient`).
        seed_generator: See above (default `None`).
        network: A function `(inputs, training) -> raw discriminator outputs` (default
            `None`).
        gradient: A function `(fn, x) -> d fn(x) / dx` for a tensor or a list of tensors,
            differentiable again (default `None`).
        transform: A function `(tensors, context) -> tensors` applied jointly to
            `[raw_real, raw_fake]` on first access (default `None`: identity).
        latent: See above (default `None`).
        model: See above (default `None`).
        role: See above (default `"discriminator"`).
        training: See above (default `True`).
        iteration: See above (default `None`).
        logs: A dict to collect `log` calls in (default `None`: a new dict).

    Example:
    >>> context = StepContext(real=[[1.0]], fake=[[0.0]], discriminate=lambda x: 2.0 * x)
    >>> [float(v) for v in (context.real_output[0, 0], context.fake_output[0, 0])]
    [2.0, 0.0]
    >>> context.log("loss/extra", 1.5)
    >>> sorted(context.logs)
    ['loss/extra']
    """

    def __init__(
        self,
        real,
        fake,
        condition=None,
        real_output=None,
        fake_output=None,
        discriminate=None,
        input_gradient=None,
        seed_generator=None,
        *,
        network=None,
        gradient=None,
        transform=None,
        latent=None,
        model=None,
        role="discriminator",
        training=True,
        iteration=None,
        logs=None,
    ):
        self.raw_real = _float32(ops.convert_to_tensor(real))
        self.raw_fake = _float32(ops.convert_to_tensor(fake))
        self.condition = condition
        self.seed_generator = seed_generator
        self.latent = latent
        self.model = model
        self.role = role
        self.training = training
        self.iteration = iteration
        self.logs = {} if logs is None else logs
        self._network = network
        self._discriminate = discriminate
        self._input_gradient = input_gradient
        self._gradient = gradient
        self._transform = transform
        self._inputs = None
        self._outputs = {}
        if real_output is not None:
            self._outputs["real"] = (_float32(ops.convert_to_tensor(real_output)), {})
        if fake_output is not None:
            self._outputs["fake"] = (_float32(ops.convert_to_tensor(fake_output)), {})

    # ------------------------------------------------------------------ samples
    def _transformed(self):
        if self._inputs is None:
            inputs = [self.raw_real, self.raw_fake]
            if self._transform is not None:
                inputs = [_float32(t) for t in self._transform(inputs, self)]
            self._inputs = tuple(inputs)
        return self._inputs

    @property
    def real(self):
        return self._transformed()[0]

    @property
    def fake(self):
        return self._transformed()[1]

    # ------------------------------------------------------------------ discriminator
    def discriminator_inputs(self, x, condition=_SAME):
        """`x`, or `[x, condition]` when the discriminator is conditional."""
        condition = self.condition if condition is _SAME else condition
        return x if condition is None else [x, condition]

    def discriminate_heads(self, x, condition=_SAME):
        """Runs the discriminator on `x`: returns `(score, heads)`, both float32.

        Args:
            x: Samples shaped like `real`.
            condition: Conditioning input for `x` (default: the context's own).
        """
        if self._network is not None:
            outputs = self._network(self.discriminator_inputs(x, condition), self.training)
            score, heads = split_outputs(outputs)
            return _float32(score), {k: _float32(v) for k, v in heads.items()}
        if self._discriminate is not None and condition is _SAME:
            return _float32(ops.convert_to_tensor(self._discriminate(x))), {}
        raise ValueError(
            "This context has no discriminator to run: build it with `network=` (or "
            "`discriminate=` when the condition is not overridden)."
        )

    def discriminate(self, x, condition=_SAME):
        """Runs the discriminator on `x` and returns its adversarial score (float32)."""
        return self.discriminate_heads(x, condition)[0]

    def _output(self, which):
        if which not in self._outputs:
            self._outputs[which] = self.discriminate_heads(getattr(self, which))
        return self._outputs[which]

    @property
    def real_output(self):
        return self._output("real")[0]

    @property
    def fake_output(self):
        return self._output("fake")[0]

    @property
    def real_heads(self):
        return self._output("real")[1]

    @property
    def fake_heads(self):
        return self._output("fake")[1]

    # ------------------------------------------------------------------ autodiff
    def gradient(self, fn, x):
        """Returns `d fn(x) / dx` (for a tensor or a list of tensors), itself differentiable.

        The train step supplies the implementation; calling it inside an outer gradient
        computation gives second-order terms (as the unrolled GAN needs).
        """
        if self._gradient is None:
            raise ValueError("This context cannot take gradients: it was built without one.")
        return self._gradient(fn, x)

    def input_gradient(self, x):
        """Gradient of the summed discriminator scores with respect to `x` (float32)."""
        if self._input_gradient is not None:
            return self._input_gradient(x)
        return self.gradient(lambda t: ops.sum(self.discriminate(t)), _float32(x))

    # ------------------------------------------------------------------ reporting
    def log(self, name, value):
        """Reports a named scalar; `GANModel` logs it as a metric (declare the name in the
        piece's `metric_names`)."""
        self.logs[name] = value

    def replace(self, **changes):
        """Returns a copy with some constructor arguments changed.

        `real` and `fake` are raw (untransformed) samples; the transform is applied again.
        Cached discriminator outputs are kept only when neither the samples, the condition
        nor the network change. Unless `logs` is given, the copy reports into the same dict.
        """
        arguments = {
            "real": self.raw_real,
            "fake": self.raw_fake,
            "condition": self.condition,
            "discriminate": self._discriminate,
            "input_gradient": self._input_gradient,
            "seed_generator": self.seed_generator,
            "network": self._network,
            "gradient": self._gradient,
            "transform": self._transform,
            "latent": self.latent,
            "model": self.model,
            "role": self.role,
            "training": self.training,
            "iteration": self.iteration,
            "logs": self.logs,
        }
        unknown = set(changes) - set(arguments) - {"real_output", "fake_output"}
        if unknown:
            raise TypeError(f"StepContext.replace got unexpected arguments: {sorted(unknown)}")
        arguments.update(changes)
        copy = StepContext(**arguments)
        invalidating = {"real", "fake", "condition", "network", "discriminate", "transform"}
        if invalidating.union({"training"}).isdisjoint(changes):
            copy._inputs = self._inputs
            copy._outputs = {**self._outputs, **copy._outputs}
        return copy
