"""Plugins from other distributions: discovery, use, and broken/duplicate/unknown names.

The first half installs `tests/third_party_plugin` (the `keras-gans-example-plugin`
distribution) into the running interpreter's environment with pip, non-editable, and
uninstalls it afterwards. The second half builds distributions in-test: a `*.dist-info`
directory (METADATA + entry_points.txt) and its modules in a temporary directory put on
`sys.path`.
"""

import importlib
import importlib.metadata
import importlib.util
import shutil
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest

import keras_gans.testing as kgt
from keras_gans import GANModel, architectures, losses, penalties
from keras_gans.datasets import ring_of_gaussians
from keras_gans.registry import PluginWarning, UnknownPluginError

PLUGIN_SOURCE = Path(__file__).parent / "third_party_plugin"
DISTRIBUTION = "keras-gans-example-plugin"
PACKAGE = "keras_gans_example_plugin"
REGISTRIES = {"architectures": architectures, "losses": losses, "penalties": penalties}
IN_TEST_MODULES = "kgtest_"  # prefix of the modules that in-test distributions provide


def _refresh_registries():
    for registry in REGISTRIES.values():
        registry.refresh()


def _forget_modules(prefix):
    for name in [m for m in sys.modules if m.startswith(prefix)]:
        del sys.modules[name]


def _pip(*args):
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode:
        pytest.fail(f"`{' '.join(command)}` failed:\n{result.stdout}\n{result.stderr}")


def _is_installed(distribution):
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


# ------------------------------------------------------------------ a real installed plugin
@pytest.fixture(scope="module")
def example_plugin(tmp_path_factory):
    """Installs `keras-gans-example-plugin` for this module's tests, then uninstalls it.

    Built from a copy of its source, so no build/ or *.egg-info lands in the repository.
    Offline (`--no-build-isolation --no-index`) when setuptools is in the environment.
    """
    already_installed = _is_installed(DISTRIBUTION)
    source = tmp_path_factory.mktemp("example_plugin") / "source"
    shutil.copytree(
        PLUGIN_SOURCE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
    )
    offline = (
        ["--no-build-isolation", "--no-index"] if importlib.util.find_spec("setuptools") else []
    )
    _pip("install", "--quiet", "--no-deps", *offline, str(source))
    _forget_modules(PACKAGE)
    _refresh_registries()
    yield DISTRIBUTION
    if not already_installed:
        _pip("uninstall", "--quiet", "--yes", DISTRIBUTION)
    _forget_modules(PACKAGE)
    _refresh_registries()


def test_installed_plugin_is_listed_without_being_imported(example_plugin):
    assert "softplus-hinge" in losses.names()
    assert "tiny-mlp" in architectures.names()
    assert {"hinge", "wgan-gp"} <= set(losses.names())
    for registry, name, value in (
        (losses, "softplus-hinge", f"{PACKAGE}.softplus_hinge:SoftplusHinge"),
        (architectures, "tiny-mlp", f"{PACKAGE}.tiny_mlp:TinyMLP"),
    ):
        info = registry.describe(name)
        assert (info.distribution, info.version, info.value) == (DISTRIBUTION, "0.1.0", value)
        assert info.origin == f"{DISTRIBUTION} 0.1.0"
    assert losses.describe("hinge").distribution == "keras-gans"
    assert PACKAGE not in sys.modules  # listing and describing read metadata only

    summary = losses.describe("softplus-hinge", load=True).summary
    assert summary == "The hinge adversarial objective with `relu` smoothed to `softplus`."


def test_installed_plugin_passes_the_conformance_suite(example_plugin, tmp_path):
    assert kgt.run_all("softplus-hinge", tmp_path=tmp_path) == ("losses",)
    assert kgt.run_all("tiny-mlp", tmp_path=tmp_path, latent_dim=4, units=8) == ("architectures",)
    kgt.check_loss(losses.get("softplus-hinge", margin=0.5))


def test_unknown_name_lists_the_installed_plugin(example_plugin):
    with pytest.raises(UnknownPluginError, match="softplus-hinge") as error:
        losses.get("softplus-hinges")
    assert "Unknown loss 'softplus-hinges'" in str(error.value)


def _mean_distance_to_nearest_mode(points, centres):
    distances = np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=-1)
    return float(distances.min(axis=1).mean())


def test_plugin_architecture_and_loss_learn_a_ring_of_gaussians(example_plugin):
    keras.utils.set_random_seed(0)
    x, centres = ring_of_gaussians(4096, seed=0)
    gan = GANModel.from_architecture("tiny-mlp", latent_dim=8, units=64, seed=0)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        loss="softplus-hinge",
    )
    assert type(gan.adversarial_loss).__module__ == f"{PACKAGE}.softplus_hinge"
    before = _mean_distance_to_nearest_mode(gan.generate(1000, seed=1), centres)
    history = gan.fit(x, batch_size=64, epochs=6, verbose=0).history
    after = _mean_distance_to_nearest_mode(gan.generate(1000, seed=1), centres)
    assert np.all(np.isfinite(history["d_loss"] + history["g_loss"]))
    # Measured over seeds 0-11: 1.4-1.8 before, 0.86-1.17 after (ratio <= 0.69).
    assert after < 0.8 * before, (before, after)


def test_gan_with_plugin_loss_loads_in_a_fresh_process(example_plugin, tmp_path):
    gan = kgt.check_fit("tiny-mlp", latent_dim=4, units=8)
    path = tmp_path / "gan.keras"
    gan.save(path)
    code = "import sys, keras, keras_gans; keras.saving.load_model(sys.argv[1])"
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-1500:]


# ------------------------------------------------------------------ in-test distributions
@pytest.fixture
def make_distribution(tmp_path):
    """Returns `make(name, entry_points, modules)`, which puts a distribution on `sys.path`.

    `entry_points` maps a group to `{key: "module:attribute"}`; `modules` maps a module name
    (prefixed `kgtest_`) to its source. Each distribution gets its own directory, prepended
    to `sys.path`, so the last one made is found first. Teardown removes the directories from
    `sys.path`, forgets the modules and refreshes every registry.
    """
    added = []

    def make(name, entry_points, modules=None, version="1.0"):
        root = tmp_path / name
        dist_info = root / f"{name.replace('-', '_')}-{version}.dist-info"
        dist_info.mkdir(parents=True)
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        )
        lines = []
        for group, entries in entry_points.items():
            lines += [f"[{group}]", *(f"{key} = {value}" for key, value in entries.items()), ""]
        (dist_info / "entry_points.txt").write_text("\n".join(lines))
        for module, source in (modules or {}).items():
            assert module.startswith(IN_TEST_MODULES)
            (root / f"{module}.py").write_text(textwrap.dedent(source))
        sys.path.insert(0, str(root))
        added.append(str(root))
        importlib.invalidate_caches()
        _refresh_registries()
        return root

    yield make
    for entry in added:
        sys.path.remove(entry)
    _forget_modules(IN_TEST_MODULES)
    _refresh_registries()


BROKEN_MODULE = "raise ImportError(\"No module named 'a_missing_dependency'\")\n"


@pytest.mark.parametrize(("kind", "working"), [("losses", "hinge"), ("architectures", "mlp")])
def test_broken_plugin_warns_and_the_rest_of_the_registry_works(make_distribution, kind, working):
    registry = REGISTRIES[kind]
    make_distribution(
        "kg-broken-plugin",
        {f"keras_gans.{kind}": {"broken-thing": "kgtest_broken:Thing"}},
        {"kgtest_broken": BROKEN_MODULE},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginWarning)
        names = registry.names()  # metadata only: nothing imported, nothing to warn about
    assert "broken-thing" in names and working in names

    with pytest.warns(PluginWarning) as record, pytest.raises(ImportError, match="broken-thing"):
        registry.get("broken-thing")
    message = str(record[0].message)
    assert "'broken-thing'" in message
    assert "kgtest_broken:Thing" in message and "kg-broken-plugin 1.0" in message
    assert "a_missing_dependency" in message

    with pytest.warns(PluginWarning, match="kg-broken-plugin"):
        described = {info.name: info for info in registry.describe(load=True)}
    assert described["broken-thing"].error.startswith("ImportError")
    assert all(info.error is None for key, info in described.items() if key != "broken-thing")
    assert registry.names() == names
    kwargs = {"data_shape": (2,), "latent_dim": 4} if kind == "architectures" else {}
    assert type(registry.get(working, **kwargs)).__name__ in {"Hinge", "MLP"}
    gan = GANModel.from_architecture("mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,))
    gan.compile(loss="hinge")


CLASH_MODULE = """
from keras_gans.losses import Hinge


class Clash(Hinge):
    pass
"""


@pytest.mark.parametrize("alpha_first_on_path", [True, False])
def test_duplicate_name_warns_naming_both_and_picks_a_deterministic_winner(
    make_distribution, alpha_first_on_path
):
    claimants = [("kg-alpha-plugin", "kgtest_alpha"), ("kg-zeta-plugin", "kgtest_zeta")]
    # The last distribution made comes first on sys.path.
    for distribution, module in claimants if not alpha_first_on_path else claimants[::-1]:
        make_distribution(
            distribution,
            {"keras_gans.losses": {"clash-loss": f"{module}:Clash"}},
            {module: CLASH_MODULE},
        )
    with pytest.warns(PluginWarning) as record:
        names = losses.names()
    messages = [str(w.message) for w in record if "'clash-loss'" in str(w.message)]
    assert len(messages) == 1
    assert "kgtest_alpha:Clash (kg-alpha-plugin 1.0)" in messages[0]
    assert "kgtest_zeta:Clash (kg-zeta-plugin 1.0)" in messages[0]
    assert messages[0].endswith("Using kgtest_alpha:Clash (kg-alpha-plugin 1.0).")
    assert names.count("clash-loss") == 1
    assert losses.describe("clash-loss").distribution == "kg-alpha-plugin"
    assert type(losses.get("clash-loss")).__module__ == "kgtest_alpha"


def test_builtin_wins_a_name_claimed_by_a_third_party(make_distribution):
    # "aaa" sorts before "keras-gans": the built-in wins by rule, not by alphabet. The key
    # "Hinge" also checks that entry-point names are normalised.
    make_distribution(
        "kg-aaa-plugin",
        {"keras_gans.losses": {"Hinge": "kgtest_fake_hinge:Clash"}},
        {"kgtest_fake_hinge": CLASH_MODULE},
    )
    with pytest.warns(PluginWarning, match=r"'hinge'.*kg-aaa-plugin 1\.0.*Using keras_gans"):
        losses.names()
    assert losses.describe("hinge").distribution == "keras-gans"
    assert type(losses.get("hinge")) is losses.Hinge
    assert "kgtest_fake_hinge" not in sys.modules


@pytest.mark.parametrize("kind", sorted(REGISTRIES))
def test_unknown_name_raises_listing_the_installed_names(make_distribution, kind):
    registry = REGISTRIES[kind]
    make_distribution(
        "kg-listed-plugin",
        {f"keras_gans.{kind}": {"listed-thing": "kgtest_listed:Thing"}},
        {"kgtest_listed": BROKEN_MODULE},
    )
    with pytest.raises(UnknownPluginError) as error:
        registry.get("no-such-thing")
    message = str(error.value)
    assert "'no-such-thing'" in message and f"'keras_gans.{kind}'" in message
    assert "listed-thing" in message
    for name in registry.names():
        assert name in message


def test_unknown_names_through_the_model_api():
    with pytest.raises(UnknownPluginError, match=r"dcgan, .*mlp"):
        GANModel.from_architecture("no-such-architecture")
    gan = kgt.tiny_gan()
    with pytest.raises(UnknownPluginError, match=r"hinge.*wgan-gp"):
        gan.compile(loss="no-such-loss")


def test_a_crafted_file_naming_a_module_inside_a_plugin_package_runs_none_of_its_code(
    make_distribution, tmp_path
):
    import json
    import zipfile

    import keras_gans
    from keras_gans.registry import import_plugins_named_in

    marker = tmp_path / "imported.txt"
    root = make_distribution(
        "kg-package-plugin", {"keras_gans.losses": {"pkg-hinge": "kgtest_pkg.plugin:Loss"}}
    )
    package = root / "kgtest_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "plugin.py").write_text("from keras_gans.losses import Hinge as Loss\n")
    (package / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    # The legitimate path: a file naming the package imports the module its entry point names.
    import_plugins_named_in({"module": "kgtest_pkg.plugin", "registered_name": "Loss"})
    assert "kgtest_pkg.plugin" in sys.modules

    gan = keras_gans.GANModel.from_architecture("mlp", data_shape=(2,), latent_dim=2)
    gan.save(tmp_path / "gan.keras")
    crafted = tmp_path / "crafted.keras"
    with zipfile.ZipFile(tmp_path / "gan.keras") as source:
        with zipfile.ZipFile(crafted, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "config.json":
                    config = json.loads(data)
                    config["config"]["payload"] = {
                        "module": "kgtest_pkg.evil",
                        "class_name": "Evil",
                        "config": {},
                        "registered_name": "Evil",
                    }
                    data = json.dumps(config).encode()
                target.writestr(item, data)
    try:
        keras_gans.load_model(crafted)
    except Exception:  # noqa: BLE001 - whether the rest loads is not the point
        pass
    assert not marker.exists() and "kgtest_pkg.evil" not in sys.modules
