"""Export a trained generator to SavedModel, ONNX or TFLite, verified against Keras.

RUN_OR_CHECKPOINT is a run directory (its latest checkpoint, or --checkpoint best), a
`.keras` GANModel, or a `.keras` generator saved on its own. The generator (its EMA copy when
the model has one) is written to --out (default: beside the checkpoint, e.g.
`latest.onnx`, `latest.tflite`, `latest_saved_model/`) with a metadata JSON, after running
the artifact in its own runtime and comparing it with Keras; nothing is left at --out when
any step fails.
"""

from __future__ import annotations

import os
from pathlib import Path

from keras_gans_cli._common import (
    CommandError,
    add_standing_statistics_flag,
    apply_standing_statistics,
    finite_float,
    positive_int,
)

HELP = "export a generator to saved_model, onnx or tflite, verified against Keras"

#: Built-in formats that take no `quantize` option.
_UNQUANTIZED = ("saved-model", "onnx")


def add_arguments(parser):
    parser.add_argument("source", metavar="RUN_OR_CHECKPOINT", help="run directory or .keras")
    parser.add_argument(
        "--format", required=True, help="saved_model | onnx | tflite | an installed plugin's"
    )
    parser.add_argument("--quantize", choices=("float16", "dynamic", "int8"), help="TFLite only")
    parser.add_argument(
        "--output",
        choices=("float32", "uint8"),
        default="float32",
        help="uint8: map the [-1, 1] output to [0, 255] pixels inside the artifact",
    )
    parser.add_argument("--out", metavar="PATH", help="artifact path [beside the checkpoint]")
    parser.add_argument("--batch-size", type=positive_int, help="fix the batch size [dynamic]")
    parser.add_argument(
        "--checkpoint",
        choices=("latest", "best"),
        default="latest",
        help="which checkpoint of a run directory",
    )
    parser.add_argument("--no-ema", action="store_true", help="export the raw generator")
    parser.add_argument("--no-verify", action="store_true", help="skip the parity check")
    add_standing_statistics_flag(parser)
    parser.add_argument(
        "--direction",
        choices=("a2b", "b2a"),
        help="translation runs (pix2pix, cyclegan): the translator to export [a2b]",
    )
    parser.add_argument(
        "--truncation-psi",
        type=finite_float,
        metavar="PSI",
        help="stylegan, stylegan2: bake the w-space truncation trick into the artifact "
        "(1 keeps w, 0 gives the average w; 0.7 is common) [none]",
    )
    parser.add_argument(
        "--noise-inputs",
        action="store_true",
        help="stylegan, stylegan2: per-layer noise as noise_<layer> inputs instead of the "
        "stored constant maps",
    )


def _normalize(name):
    return name.strip().lower().replace("_", "-").replace(" ", "-")


def _installed_formats():
    """Exporter names from entry-point metadata (imports neither them nor TensorFlow)."""
    from keras_gans_cli._plugins import installed

    return [plugin.name for plugin in installed("keras_gans.exporters")]


def _check_out(text):
    if not text.strip():
        raise CommandError(f"--out must not be empty. Received: --out {text!r}")
    out = Path(text)
    if out.is_file() and not out.with_name(out.name + ".json").is_file():
        raise CommandError(
            f"--out names an existing file that no export wrote (it has no {out.name}.json "
            f"beside it); an export only replaces its own artifacts. Received: --out {text!r}"
        )
    parent = out.parent
    if parent.exists() and not parent.is_dir():
        raise CommandError(f"--out: {str(parent)!r} is not a folder.")
    if not parent.is_dir():
        raise CommandError(f"--out: the folder {str(parent)!r} does not exist.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise CommandError(f"--out: the folder {str(parent)!r} is not writable.")


def _load_model(source, checkpoint, debug):
    from keras_gans_cli._common import import_keras_gans, resolve_checkpoint

    keras_gans = import_keras_gans(debug)
    file = resolve_checkpoint(source, checkpoint)
    import keras

    try:
        model = keras_gans.load_model(file)
    except Exception as error:
        raise CommandError(
            f"Could not load the checkpoint {str(file)!r}: {type(error).__name__}: {error}"
        ) from error
    if not isinstance(model, keras.Model):
        raise CommandError(f"{str(file)!r} holds a {type(model).__name__}, not a keras.Model.")
    return model, file


def _check_style_flags(model, args):
    """`--truncation-psi` and `--noise-inputs` need a StyleGAN-style `sampler`."""
    if callable(getattr(model, "sampler", None)):
        return
    for flag, given in (
        ("--truncation-psi", args.truncation_psi),
        ("--noise-inputs", args.noise_inputs or None),
    ):
        if given is not None:
            raise CommandError(
                f"{flag} needs a model with a w-space sampler (stylegan, stylegan2); this is "
                f"a {type(model).__name__}. Received: {flag}"
                + ("" if given is True else f" {given}")
            )


def _check_out_kind(out, exporter_class, format_name, given):
    """A folder for a directory format (SavedModel), a file path for the others."""
    if given is None:
        return
    if getattr(exporter_class, "directory", False) and out.is_file():
        raise CommandError(
            f"--out names a file, but --format {format_name} writes a folder. "
            f"Received: --out {given!r}"
        )
    if not getattr(exporter_class, "directory", False) and out.is_dir():
        raise CommandError(
            f"--out names a folder, but --format {format_name} writes a file. "
            f"Received: --out {given!r}"
        )


def _default_out(checkpoint, exporter_class, direction=None):
    suffix = getattr(exporter_class, "suffix", "") or f".{_normalize(exporter_class.format)}"
    stem = checkpoint.stem + ("_b2a" if direction == "b2a" else "")
    return checkpoint.with_name(stem + suffix)


def _translation_options(model, source, direction, format_name):
    """Export options of a translation model: the direction, a dynamic image size where the
    format allows it, and verification on the run's held-out images."""
    if not callable(getattr(model, "translator", None)):
        if direction is not None:
            raise CommandError(
                f"--direction applies to translation runs; this {type(model).__name__} "
                f"generates from latents. Received: --direction {direction}"
            )
        return {}
    from keras_gans_cli import translation

    direction = direction or "a2b"
    if direction not in model.directions:
        raise CommandError(
            f"--direction must be one of {', '.join(model.directions)} for this "
            f"{type(model).__name__}. Received: --direction {direction}"
        )
    return {
        "direction": direction,
        "dynamic_size": format_name != "tflite",
        "verification_inputs": translation.held_out_images(source, direction),
    }


def run(args) -> int:
    format_name = _normalize(args.format)
    installed = _installed_formats()
    if not installed:
        raise CommandError(
            "No exporter is installed: the exporters come in their own distribution. "
            "Install it with: pip install keras-gans-export (from a keras-gans checkout: "
            "pip install -e ./export)"
        )
    if format_name not in installed:
        from keras_gans_cli._plugins import suggestion

        raise CommandError(
            f"--format must be one of the installed exporters: {', '.join(installed)}. "
            f"Received: {args.format!r}.{suggestion(format_name, installed)}"
        )
    if args.quantize and format_name in _UNQUANTIZED:
        raise CommandError(
            f"--quantize applies to --format tflite, not {format_name}. "
            f"Received: --quantize {args.quantize}"
        )
    if args.out is not None:
        _check_out(args.out)
    model, checkpoint = _load_model(args.source, args.checkpoint, args.debug)

    from keras_gans import export as export_lib

    options = {"quantize": args.quantize} if args.quantize else {}
    options.update(_translation_options(model, args.source, args.direction, format_name))
    _check_style_flags(model, args)
    apply_standing_statistics(
        model, args.standing_statistics, use_ema=not args.no_ema, checkpoint=checkpoint
    )
    if args.truncation_psi is not None:
        options["truncation_psi"] = args.truncation_psi
    if args.noise_inputs:
        options["noise_inputs"] = True
    try:
        exporter_class = export_lib.registry.load(format_name)
        out = Path(args.out or _default_out(checkpoint, exporter_class, args.direction))
        _check_out_kind(out, exporter_class, format_name, args.out)
        result = _quietly(
            args.debug,
            export_lib.export,
            model,
            out,
            format=format_name,
            output=args.output,
            batch_size=args.batch_size,
            verify=not args.no_verify,
            use_ema=not args.no_ema,
            source=checkpoint,
            **options,
        )
    except (ValueError, TypeError, ImportError, OSError) as error:
        raise CommandError(f"{error}") from error
    print(f"wrote {result.path} ({result.format}, {result.size_bytes:,} bytes)")
    print(result.verification if result.verification else "not verified (--no-verify)")
    print(f"metadata: {result.metadata_path}")
    return 0


def _quietly(debug, function, *args, **kwargs):
    """Runs `function` with TensorFlow's and LiteRT's C++ log lines hidden, unless `debug`."""
    if debug:
        return function(*args, **kwargs)
    from keras_gans_cli._common import _stderr_silenced

    with _stderr_silenced():
        return function(*args, **kwargs)
