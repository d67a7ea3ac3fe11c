"""Package-level guarantees: lazy plugin discovery, doc examples, public API, CLI."""

import doctest
import importlib
import pkgutil
import subprocess
import sys

import pytest

import keras_gans
import keras_gans.testing as keras_gans_testing
import keras_gans_cli as cli

HEAVY = ("tf2onnx", "onnx", "onnxruntime", "ai_edge_litert")


def test_import_and_listing_load_no_export_runtime_and_no_plugin_code():
    script = (
        "import sys, keras_gans\n"
        "names = keras_gans.architectures.names() + keras_gans.losses.names()\n"
        "assert {'mlp', 'dcgan', 'wgan-gp'} <= set(names), names\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "plugins = [m for m in sys.modules if m.startswith('keras_gans.plugins.')]\n"
        "print(heavy, plugins)\n"
        "sys.exit(1 if heavy or plugins else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]


def _modules():
    packages = ("keras_gans", "keras_gans.plugins", "keras_gans.export", "keras_gans_cli")
    for package in map(importlib.import_module, packages):
        yield package.__name__
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not info.name.endswith(".__main__"):
                yield info.name


@pytest.mark.parametrize("name", sorted(set(_modules())))
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


PUBLIC_API = {
    "keras_gans": [
        "GANModel",
        "__version__",
        "architectures",
        "callbacks",
        "datasets",
        "export",
        "latents",
        "layers",
        "losses",
        "metrics",
        "penalties",
        "registry",
        "tricks",
        "utils",
    ],
    "keras_gans.GANModel": [
        "compile",
        "compile_from_config",
        "enable_ema",
        "fit",
        "from_architecture",
        "from_config",
        "generate",
        "generator_output",
        "get_compile_config",
        "get_config",
        "sample_latent",
        "sample_shape",
        "test_step",
        "train_step",
    ],
    "keras_gans.tricks": [
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
    ],
    "keras_gans.layers": [
        "ConditionalBatchNormalization",
        "MinibatchDiscrimination",
        "MinibatchStandardDeviation",
        "OneHot",
        "Packing",
        "ProjectionHead",
        "ReconstructionScore",
        "TileChannels",
        "embedding_input",
        "label_channels",
        "label_embedding",
        "label_input",
        "label_map",
        "one_hot_labels",
        "tiled_channels",
    ],
    "keras_gans.penalties": [
        "Constraint",
        "DRAGANPenalty",
        "GradientPenalty",
        "Penalty",
        "PenaltyContext",
        "R1Penalty",
        "R2Penalty",
        "WeightClipping",
        "describe",
        "get",
        "gradient_norm",
        "names",
        "refresh",
        "register",
        "registry",
    ],
    "keras_gans.testing": [
        "KINDS",
        "OUTPUT_SHAPES",
        "check_architecture",
        "check_fit",
        "check_loss",
        "check_penalty",
        "check_save_load",
        "check_trick",
        "linear_discriminator",
        "penalty_context",
        "run_all",
        "sample_labels",
        "tiny_gan",
    ],
    "keras_gans.architectures": [
        "Architecture",
        "describe",
        "get",
        "names",
        "normalize_name",
        "refresh",
        "register",
        "registry",
    ],
    "keras_gans.metrics": [
        "FeatureExtractor",
        "Features",
        "FrechetDistance",
        "MetricResult",
        "NearestNeighboursResult",
        "PrecisionRecallResult",
        "describe",
        "extract_features",
        "feature_statistics",
        "fid",
        "frechet_distance",
        "get",
        "inception_score",
        "kid",
        "load_digits_classifier",
        "ms_ssim",
        "ms_ssim_diversity",
        "names",
        "nearest_neighbours",
        "normalize_name",
        "precision_recall",
        "refresh",
        "register",
        "registry",
        "resolve_extractor",
        "sliced_wasserstein",
        "sliced_wasserstein_distance",
        "train_digits_classifier",
    ],
    "keras_gans.export": [
        "ExportResult",
        "ExportVerificationError",
        "Exporter",
        "RandomOpError",
        "Serving",
        "Verification",
        "build_serving",
        "describe",
        "export",
        "get",
        "make_exporter",
        "names",
        "refresh",
        "register",
        "registry",
        "to_onnx",
        "to_saved_model",
        "to_tflite",
    ],
}


def test_public_api_snapshot():
    """Changing the public API must be deliberate: update this snapshot with it."""
    assert sorted(keras_gans.__all__) == PUBLIC_API["keras_gans"]
    assert sorted(keras_gans.penalties.__all__) == PUBLIC_API["keras_gans.penalties"]
    assert sorted(keras_gans.architectures.__all__) == PUBLIC_API["keras_gans.architectures"]
    assert sorted(keras_gans_testing.__all__) == PUBLIC_API["keras_gans.testing"]
    assert sorted(keras_gans.tricks.__all__) == PUBLIC_API["keras_gans.tricks"]
    assert sorted(keras_gans.layers.__all__) == PUBLIC_API["keras_gans.layers"]
    metrics = importlib.import_module("keras_gans.metrics")
    assert sorted(metrics.__all__) == PUBLIC_API["keras_gans.metrics"]
    export = importlib.import_module("keras_gans.export")
    assert sorted(export.__all__) == PUBLIC_API["keras_gans.export"]
    own = {n for n in vars(keras_gans.GANModel) if not n.startswith("_")}
    assert set(PUBLIC_API["keras_gans.GANModel"]) <= own
    expected_losses = {
        "AdversarialLoss",
        "DRAGAN",
        "Hinge",
        "LeastSquares",
        "Minimax",
        "NonSaturating",
        "WGAN",
        "WGANGP",
        "Wasserstein",
        "resolve",
        "minimax_discriminator_loss",
        "non_saturating_generator_loss",
        "hinge_discriminator_loss",
        "BEGAN",
        "EBGAN",
        "NoisyLabels",
        "RelativisticAverage",
        "RelativisticAverageHinge",
        "RelativisticAverageLeastSquares",
        "WeightedLoss",
        "relativistic_average_discriminator_loss",
        "began_k_update",
    }
    assert expected_losses <= set(keras_gans.losses.__all__)


def test_cli_list_shows_plugins_and_their_distribution(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("dcgan", "mlp", "wgan-gp", "hinge", "r1"):
        assert f"  {name} " in out
    assert "keras-gans 0.1.0" in out


def test_cli_list_verbose_imports_and_summarises(capsys):
    assert cli.main(["list", "--verbose"]) == 0
    assert "Deep convolutional generator and discriminator" in capsys.readouterr().out


def test_cli_unknown_command_exits_non_zero():
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["trian"])
    assert exit_info.value.code == 2
