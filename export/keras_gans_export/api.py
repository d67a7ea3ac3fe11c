"""`export()`: trace, write, verify and atomically publish a generator in any format."""

from __future__ import annotations

import inspect

import numpy as np

from keras_gans_export import metadata as metadata_lib
from keras_gans_export import staging
from keras_gans_export.base import ExportResult, ExportVerificationError, Verification
from keras_gans_export.tracing import build_serving

__all__ = ["export", "make_exporter", "to_onnx", "to_saved_model", "to_tflite", "verify_artifact"]


def _registry():
    from keras_gans_export import registry

    return registry


def make_exporter(format, options=None):
    """Instantiates the exporter registered as `format` with its `options`.

    Args:
        format: A registered exporter name (`keras_gans.export.names()`); case, `_` and
            `-` are normalised (`"saved_model"` is `"saved-model"`).
        options: The exporter's keyword options (default `None`: none).

    Returns:
        An `Exporter`.

    Example:
    >>> make_exporter("tflite", {"quantize": "float16"})
    TFLiteExporter(quantize='float16', calibration_batches=16, conv_transpose='subpixel')
    """
    registry = _registry()
    options = dict(options or {})
    factory = registry.load(format)
    parameters = inspect.signature(factory).parameters
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    unknown = sorted(set(options) - set(parameters)) if not accepts_any else []
    if unknown:
        valid = sorted(n for n, p in parameters.items() if p.kind is p.POSITIONAL_OR_KEYWORD)
        raise TypeError(
            f"The '{registry.describe(format).name}' exporter does not take the option(s) "
            f"{unknown}. Its options: {valid or 'none'}. Received: {options}"
        )
    return registry.get(format, **options)


def verify_artifact(exporter, serving, path, seed=0, inputs=None):
    """Runs the artifact at `path` in its runtime on seeded batches and compares with Keras.

    The batches (`Serving.verification_batches`) hold every class id of a class-conditional
    generator, in as many calls as a fixed batch size needs.

    Args:
        exporter: The `Exporter` that wrote it.
        serving: The exported `Serving`.
        path: The artifact.
        seed: Seed of the verification batches (default 0).
        inputs: Real values of the first input (e.g. images for a translator) instead of
            drawn ones (default `None`).

    Returns:
        A `Verification` (check `passed`).
    """
    if inputs is None:
        batches = serving.verification_batches(seed=seed)  # every class id, batch-sized
    else:
        batches = [_real_batch(serving, inputs, seed)]
    run = exporter.load(path, serving)
    expected, actual = [], []
    for batch in batches:
        reference = np.asarray(serving.reference(batch), np.float64)
        outputs = run(batch)
        if serving.output.name not in outputs:
            raise ExportVerificationError(
                f"The exported {exporter.format} artifact has no output named "
                f"'{serving.output.name}'. Its outputs: {sorted(outputs)}"
            )
        result = np.asarray(outputs[serving.output.name], np.float64)
        if result.shape != reference.shape:
            raise ExportVerificationError(
                f"The exported {exporter.format} artifact returned shape {result.shape}; "
                f"Keras returns {reference.shape} for the same batch."
            )
        expected.append(reference)
        actual.append(result)
    expected, actual = np.concatenate(expected), np.concatenate(actual)
    diff = np.abs(actual - expected)
    finite = bool(np.all(np.isfinite(actual)))
    tolerance = exporter.tolerance() * serving.tolerance_scale(expected)
    if serving.output_mode == "uint8":
        tolerance += 1.0  # one rounding step
    reference = "traced keras graph, noise fed in" if serving.noise_inputs else "keras"
    reference += "" if inputs is None else ", real inputs"
    return Verification(
        runtime=exporter.runtime(),
        max_abs_diff=float(diff.max()) if finite else float("nan"),
        mean_abs_diff=float(diff.mean()) if finite else float("nan"),
        tolerance=float(tolerance),
        batch_size=len(expected),
        reference=reference,
    )


def _real_batch(serving, inputs, seed):
    first = serving.inputs[0]
    inputs = np.asarray(inputs, first.dtype)
    expected = tuple(first.shape[1:])
    matches = inputs.ndim == len(first.shape) and all(
        e is None or e == d for e, d in zip(expected, inputs.shape[1:], strict=True)
    )
    if not matches or (serving.batch_size not in (None, len(inputs))):
        raise ValueError(
            f"`verification_inputs` must be a batch for the input '{first.name}' of shape "
            f"{first.shape}. Received: shape {inputs.shape}"
        )
    batch = serving.sample_inputs(n=len(inputs), seed=seed)
    batch[first.name] = inputs
    return batch


def export(
    model,
    path,
    format="saved_model",
    *,
    output="float32",
    batch_size=None,
    verify=True,
    use_ema=True,
    noise="inputs",
    latent_dim=None,
    latent_distribution=None,
    num_classes=None,
    output_range=None,
    source=None,
    direction=None,
    dynamic_size=False,
    truncation_psi=None,
    noise_inputs=False,
    verification_inputs=None,
    **options,
):
    """Exports a generator as a verified SavedModel, ONNX or TFLite artifact.

    The network (a `GANModel`'s EMA generator when it has one, else its generator, or a bare
    generator `keras.Model`) is traced with a named signature: `z` (float32), `labels` for
    conditional generators, `noise_<layer>` for random draws lifted out of the graph; the
    output is `images` (NHWC) or `samples`. The artifact is written beside `path`, run in
    its own runtime on a seeded batch and compared with Keras, then renamed onto `path`
    with its metadata JSON; on any failure nothing is left at `path`.

    Args:
        model: A `keras_gans.GANModel` or a generator `keras.Model`. A `GANModel` that
            defines `export_network(use_ema)` exports the network it names instead of its
            generator (DANN: its classifier; see `networks.resolve_generator`).
        path: The artifact's path: a directory for SavedModel, a file otherwise.
        format: A registered exporter: `"saved_model"` (default), `"onnx"`, `"tflite"` or a
            plugin's (`keras_gans.export.names()`).
        output: `"float32"` (default) or `"uint8"` (samples mapped from the output range to
            [0, 255] pixels, rounded).
        batch_size: A fixed batch size, or `None` (default: dynamic where the format allows).
        verify: Run the artifact and compare with Keras (default `True`); a difference above
            the format's tolerance raises `ExportVerificationError`.
        use_ema: Export a `GANModel`'s `ema_generator` when it has one (default `True`).
        noise: `"inputs"` (default: random draws inside the generator become inputs) or
            `"error"` (raise, naming the layers that draw).
        latent_dim: Latent size of a subclassed generator (default `None`: read it).
        latent_distribution: `"normal"` or `"uniform"` (default `None`: the GANModel's, or
            `"normal"`), recorded in the metadata and used for verification batches.
        num_classes: Class count of a class-conditioned bare generator (default `None`:
            read it).
        output_range: `(low, high)` of the float output (default `None`: from the last
            activation; tanh gives (-1, 1)).
        source: The checkpoint the model came from, for the metadata (default `None`).
        direction: For a translation model (pix2pix, CycleGAN: a `GANModel` with
            `translator`), the direction exported, `"a2b"` or `"b2a"` (default `None`:
            `"a2b"`). Its artifact takes images `x` and returns `images`.
        dynamic_size: For a translation model, an input of any height and width (default
            `False`: the training size). TFLite keeps a fixed size.
        truncation_psi: For StyleGAN and StyleGAN2 (a `GANModel` with `sampler`), bake the
            w-space truncation trick with this psi into the artifact (default `None`: none).
        noise_inputs: For those models, per-layer noise as `noise_<layer>` inputs instead of
            the stored constant maps (default `False`).
        verification_inputs: Real inputs to verify on (e.g. held-out images for a
            translator) instead of a drawn batch (default `None`).
        **options: The exporter's own options, e.g. `quantize="int8"` for TFLite,
            `opset=17` for ONNX, `seed_signature=False` for SavedModel.

    Returns:
        An `ExportResult` (path, size, metadata, verification).

    Example:
    >>> import tempfile, keras_gans
    >>> gan = keras_gans.GANModel.from_architecture(
    ...     "mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,))
    >>> result = export(gan, tempfile.mkdtemp() + "/generator.onnx", format="onnx")
    >>> result.verification.passed, result.metadata["inputs"][0]["name"]
    (True, 'z')
    """
    exporter = make_exporter(format, options)
    format_name = _registry().describe(format).name
    target = staging.check_target(path, exporter.directory)
    if target.is_file() and not exporter.metadata_path(target).is_file():
        raise ValueError(
            "`path` names an existing file that no export wrote (no metadata JSON "
            f"{exporter.metadata_path(target).name!r} beside it); an export only replaces its "
            f"own artifacts. Received: path={str(path)!r}"
        )
    serving = build_serving(
        model,
        output=output,
        batch_size=batch_size,
        use_ema=use_ema,
        noise=noise,
        latent_dim=latent_dim,
        latent_distribution=latent_distribution,
        num_classes=num_classes,
        output_range=output_range,
        direction=direction,
        dynamic_size=dynamic_size,
        truncation_psi=truncation_psi,
        noise_inputs=noise_inputs,
    )
    exporter.check(serving)
    with staging.staging_directory(target) as stage:
        staged = stage / target.name
        details = exporter.write(serving, staged) or {}
        verification = None
        if verify:
            verification = verify_artifact(exporter, serving, staged, inputs=verification_inputs)
            if not verification.passed:
                raise ExportVerificationError(
                    f"The exported {format_name} artifact does not match Keras: "
                    f"max |diff| {verification.max_abs_diff:.3g} > tolerance "
                    f"{verification.tolerance:.3g} on {verification.batch_size} seeded samples "
                    f"({verification.runtime}). Nothing was written "
                    f"to {str(target)!r}. Pass verify=False to export it anyway."
                )
        metadata = metadata_lib.build_metadata(
            serving, exporter, format_name, details, verification, source
        )
        staged_metadata = metadata_lib.write_metadata(metadata, exporter.metadata_path(staged))
        metadata_target = exporter.metadata_path(target)
        size = staging.artifact_size(staged)
        if staged_metadata.is_relative_to(staged):
            staging.commit(stage, staged, target)
        else:
            staging.commit(stage, staged, target, staged_metadata, metadata_target)
    return ExportResult(target, format_name, size, metadata_target, metadata, verification)


def to_saved_model(model, path, **kwargs):
    """`export(model, path, format="saved_model", **kwargs)`: a TensorFlow SavedModel.

    Signatures: `serving_default` (`z`[, `labels`] -> output) and `generate` (`seed`, `n`,
    or `seed`, `labels` when conditional), whose latents equal `GANModel.generate(n,
    seed=seed)`'s. Options: `seed_signature=True`.
    """
    return export(model, path, format="saved_model", **kwargs)


def to_onnx(model, path, **kwargs):
    """`export(model, path, format="onnx", **kwargs)`: an ONNX model (via tf2onnx).

    Options: `opset=17`, `conv_transpose="native"` (or `"subpixel"`).
    """
    return export(model, path, format="onnx", **kwargs)


def to_tflite(model, path, **kwargs):
    """`export(model, path, format="tflite", **kwargs)`: a LiteRT (TFLite) flatbuffer.

    Options: `quantize=None|"float16"|"dynamic"|"int8"`, `calibration_batches=16`,
    `conv_transpose="subpixel"` (or `"native"`).
    """
    return export(model, path, format="tflite", **kwargs)
