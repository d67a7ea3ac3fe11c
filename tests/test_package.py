"""Package-level guarantees: lazy plugin discovery, doc examples, public API, CLI."""

import doctest
import importlib
import importlib.util
import json
import pkgutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import keras_gans
import keras_gans.testing as keras_gans_testing
import keras_gans_cli as cli
from keras_gans import _entry_points

REPO = Path(__file__).resolve().parents[1]

HEAVY = ("tf2onnx", "onnx", "onnxruntime", "ai_edge_litert")


def test_import_and_listing_load_no_export_runtime_and_no_plugin_code():
    script = (
        "import sys, keras_gans\n"
        "names = keras_gans.architectures.names() + keras_gans.losses.names()\n"
        "assert {'mlp', 'dcgan', 'wgan-gp'} <= set(names), names\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "plugins = [m for m in sys.modules if m.startswith('keras_gans.architectures.')\n"
        "           and m != 'keras_gans.architectures.base']\n"
        "print(heavy, plugins)\n"
        "sys.exit(1 if heavy or plugins else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]


def _modules():
    # The core, the command, and the repository's other distributions when installed.
    packages = ("keras_gans", "keras_gans_cli", "keras_gans_export", "keras_gans_examples")
    packages += ("keras_gans_representation", "keras_gans_image2image", "keras_gans_style")
    packages = [name for name in packages if importlib.util.find_spec(name) is not None]
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
        "images",
        "latents",
        "layers",
        "load_model",
        "losses",
        "metrics",
        "penalties",
        "registry",
        "steps",
        "tricks",
    ],
    "keras_gans.latents": [
        "InfoGANLatent",
        "LatentDistribution",
        "NormalLatent",
        "UniformLatent",
        "class_sweep",
        "code_sweep",
        "generate_from_latents",
        "interpolate",
        "latent_arithmetic",
        "lerp",
        "resolve",
        "slerp",
        "truncated_normal",
    ],
    "keras_gans.GANModel": [
        "compile",
        "compile_from_config",
        "contexts",
        "enable_ema",
        "fit",
        "from_architecture",
        "from_config",
        "generate",
        "generator_output",
        "get_compile_config",
        "get_config",
        "players",
        "record",
        "sample_latent",
        "sample_shape",
        "schedule",
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
        "LinearDecay",
        "MatchingAware",
        "MutualInformation",
        "PullingAway",
        "StepContext",
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
        "FORMS",
        "GradientPenalty",
        "Penalty",
        "R1Penalty",
        "R2Penalty",
        "WeightClipping",
        "describe",
        "get",
        "gradient_norm",
        "gradient_penalty_term",
        "names",
        "refresh",
        "register",
        "registry",
    ],
    "keras_gans.steps": [
        "Configurable",
        "DiscriminatorInputs",
        "Piece",
        "PieceState",
        "Player",
        "ROLES",
        "StepContext",
        "split_outputs",
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
    steps = importlib.import_module("keras_gans.steps")
    assert sorted(steps.__all__) == PUBLIC_API["keras_gans.steps"]
    assert sorted(keras_gans.layers.__all__) == PUBLIC_API["keras_gans.layers"]
    assert sorted(keras_gans.latents.__all__) == PUBLIC_API["keras_gans.latents"]
    metrics = importlib.import_module("keras_gans.metrics")
    assert sorted(metrics.__all__) == PUBLIC_API["keras_gans.metrics"]
    export = importlib.import_module("keras_gans.export")
    assert sorted(export.__all__) == PUBLIC_API["keras_gans.export"]
    own = {
        name
        for cls in keras_gans.GANModel.__mro__
        if cls.__module__.startswith("keras_gans")
        for name in vars(cls)
        if not name.startswith("_")
    }
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


# ------------------------------------------------------------------ a plain checkout
def _plain_checkout_path(tmp_path):
    """A directory of links to every site-packages entry except keras-gans's own.

    A `python -S` subprocess with the repository and this directory on `sys.path` sees the
    dependencies but no keras-gans distribution (no metadata, no editable finder): what a
    plain checkout with only the dependencies installed sees.
    """
    site_packages = Path(sysconfig.get_paths()["purelib"])
    plain = tmp_path / "site-packages"
    plain.mkdir()
    for entry in site_packages.iterdir():
        name = entry.name.lower().replace("-", "_")
        if "keras_gans" in name:  # dist-info, editable finders and their .pth files
            continue
        (plain / entry.name).symlink_to(entry)
    return plain


def _run_plain(tmp_path, script):
    """Runs `script` in a plain checkout: the repository's sources, only dependencies installed.

    The checkout is links to the repository's packages and `pyproject.toml`, so build
    leftovers in the repository root (`keras_gans.egg-info`) are not on `sys.path`.
    """
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("keras_gans", "keras_gans_cli", "pyproject.toml"):
        (checkout / name).symlink_to(REPO / name)
    paths = [str(checkout), str(_plain_checkout_path(tmp_path))]
    result = subprocess.run(
        [sys.executable, "-S", "-c", f"import sys; sys.path[:0] = {paths!r}\n{script}"],
        capture_output=True,
        text=True,
        cwd=checkout,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plain_checkout_imports_and_lists_the_core_built_ins(tmp_path):
    out = _run_plain(
        tmp_path,
        "import importlib.metadata as metadata, json\n"
        "import keras_gans\n"
        "from keras_gans.registry import plugin_groups, registry_for\n"
        "try:\n"
        "    metadata.distribution('keras-gans')\n"
        "    installed = True\n"
        "except metadata.PackageNotFoundError:\n"
        "    installed = False\n"
        "print(json.dumps({\n"
        "    'installed': installed,\n"
        "    'file': keras_gans.__file__,\n"
        "    'architectures': keras_gans.architectures.names(),\n"
        "    'losses': keras_gans.losses.names(),\n"
        "    'penalties': registry_for('keras_gans.penalties').names(),\n"
        "    'origin': keras_gans.architectures.describe('dcgan').origin,\n"
        "    'groups': plugin_groups(),\n"
        "    'built': type(keras_gans.architectures.get('mlp', latent_dim=4)).__name__,\n"
        "}))\n",
    )
    assert not out["installed"]
    assert Path(out["file"]).resolve() == REPO / "keras_gans" / "__init__.py"
    core = _entry_points.parse_toml((REPO / "pyproject.toml").read_text())["project"]
    declared = core["entry-points"]
    for group in ("architectures", "losses", "penalties"):
        assert set(declared[f"keras_gans.{group}"]) <= set(out[group]), group
    assert out["origin"] == f"keras-gans {core['version']}"
    assert set(declared["keras_gans.registries"]) <= set(out["groups"])
    assert out["built"] == "MLP"


def test_minimal_toml_reader_reads_the_entry_points_like_tomllib():
    tomllib = pytest.importorskip("tomllib")
    text = (REPO / "pyproject.toml").read_text()
    expected = tomllib.loads(text)["project"]
    minimal = _entry_points._parse_minimal(text)["project"]
    assert minimal["entry-points"] == expected["entry-points"]
    assert (minimal["name"], minimal["version"]) == (expected["name"], expected["version"])


def test_every_plugin_kind_has_a_registry_and_unknown_groups_are_listed():
    from keras_gans.registry import Registry, plugin_groups, registry_for

    for group in plugin_groups():
        if (
            group == "keras_gans.exporters"
            and importlib.util.find_spec("keras_gans_export") is None
        ):
            continue  # the exporters come with keras-gans-export
        registry = registry_for(group)
        assert isinstance(registry, Registry) and registry.group == group
    assert registry_for("keras_gans.architectures") is keras_gans.architectures.registry
    with pytest.raises(ValueError, match="keras_gans.losses"):
        registry_for("keras_gans.nothing")


def test_old_utils_paths_alias_the_new_homes_with_a_deprecation_warning():
    import importlib
    import sys

    sys.modules.pop("keras_gans.utils.latent", None)
    with pytest.warns(DeprecationWarning, match="keras_gans.images"):
        from keras_gans.utils import save_image_grid
    with pytest.warns(DeprecationWarning, match="keras_gans.latents"):
        latent = importlib.import_module("keras_gans.utils.latent")
    assert save_image_grid is keras_gans.images.save_image_grid
    assert latent.code_sweep is keras_gans.latents.code_sweep
