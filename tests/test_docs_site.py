"""The documentation site builds in strict mode, and its generated references are complete.

One `mkdocs build --strict` (about 10-20 s: mkdocstrings reads the docstrings statically,
without importing TensorFlow) is shared by the tests of this module: strict mode fails on a
broken link or anchor, a page missing from the navigation, a docstring that does not parse
or a reference that does not resolve.
"""

from __future__ import annotations

import argparse
import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import benchmark_modules

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "reference" / "api"
SEARCH_PATHS = [ROOT, ROOT / "export", *sorted((ROOT / "plugins").glob("keras-gans-*"))]
CORE = [
    "keras_gans",
    *(
        f"keras_gans.{name}"
        for name in (
            "architectures callbacks datasets latents layers losses metrics models penalties "
            "images registry steps testing tricks"
        ).split()
    ),
    "keras_gans_export",
]
PLUGINS = [
    "keras_gans_examples",
    "keras_gans_representation",
    "keras_gans_image2image",
    "keras_gans_style",
]

pytest.importorskip("mkdocs", reason="the docs extras are not installed (pip install -e '.[docs]')")
griffe = pytest.importorskip("griffe")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site_dir = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    return site_dir


def _hooks():
    return benchmark_modules.load_file(ROOT / "docs" / "hooks.py", "docs_hooks")


def _public_names():
    """`{page: {qualified name, ...}}`: every name each package's `__all__` exports."""
    loader = griffe.GriffeLoader(search_paths=[str(p) for p in SEARCH_PATHS])
    names, modules_listed = {}, set()
    for package in CORE + PLUGINS:
        module = loader.load(package)
        page = package.removeprefix("keras_gans.") if package.startswith("keras_gans.") else package
        found = names.setdefault(page, set())
        # A plugin package exports nothing itself: its public modules' `__all__` are its API.
        modules = [module]
        if package in PLUGINS:
            modules += [m for n, m in module.modules.items() if not n.startswith("_")]
        for each in modules:
            for name in each.exports or ():
                member = each.members.get(name)
                if (
                    member is not None
                    and package == "keras_gans"
                    and (member.is_module or _alias_of_module(member))
                ):
                    modules_listed.add(member.path if member.is_module else member.target_path)
                    continue  # a subpackage listed in `__all__`: it needs a page of its own
                if member is not None and member.is_module and member.exports:
                    if set(member.exports) <= set(each.exports):
                        continue  # `functions`: a module whose names are all exported too
                found.add(f"{each.path}.{name}")
    return names, modules_listed


def _alias_of_module(member):
    try:
        return member.is_alias and member.final_target.is_module
    except griffe.AliasResolutionError:
        return False


def _anchors(page_html):
    return {html.unescape(a) for a in re.findall(r'id="([^"]+)"', page_html)}


@pytest.mark.slow  # the site build (21 s) is shared by these three
def test_site_builds_in_strict_mode(site):
    assert (site / "index.html").exists()
    assert (site / "tutorial" / "write-a-plugin" / "index.html").exists()


@pytest.mark.slow  # the site build (21 s) is shared by these three
def test_every_public_name_has_an_api_entry(site):
    missing = []
    public, modules_listed = _public_names()
    pages = {p.stem for p in API.glob("*.md")}
    for module in modules_listed:  # keras_gans.export forwards to keras_gans_export
        page = "keras_gans_export" if module == "keras_gans.export" else module.split(".")[-1]
        assert page in pages, f"{module} is public but has no API page"
    for page, names in public.items():
        built = site / "reference" / "api" / page / "index.html"
        assert built.exists(), f"no API page for {page}: add docs/reference/api/{page}.md"
        anchors = _anchors(built.read_text())
        # A function exported from a module of the same name (`metrics.ms_ssim`) is
        # documented under its module's path.
        missing += sorted(
            name
            for name in names
            if name not in anchors and f"{name}.{name.rsplit('.', 1)[-1]}" not in anchors
        )
    assert not missing, f"public names without an API entry: {missing}"


def test_every_package_has_an_api_page():
    pages = {p.stem for p in API.glob("*.md")}
    expected = {p.removeprefix("keras_gans.") if "." in p else p for p in CORE + PLUGINS}
    assert expected <= pages, expected - pages


@pytest.mark.slow  # the site build (21 s) is shared by these three
def test_cli_reference_lists_every_flag(site):
    from keras_gans_cli import build_parser

    parser = build_parser()
    generated = _hooks().cli_reference_markdown(parser)
    built = html.unescape(re.sub(r"<[^>]+>", "", (site / "reference/cli/index.html").read_text()))
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert commands.choices
    for name, sub in commands.choices.items():
        assert f"## `keras-gans {name}`" in generated
        assert f"keras-gans {name}" in built
        for action in sub._actions:
            for option in action.option_strings:
                assert f"`{option}`" in generated, f"{name} {option} missing from the generator"
                assert option in built, f"{name} {option} missing from the built page"
            if action.help and action.help != argparse.SUPPRESS and "%" not in action.help:
                assert " ".join(action.help.split())[:40] in built, (name, action.dest)


def test_the_plugins_page_carries_the_plugin_rules_of_the_repository():
    hooks = _hooks()
    page = (ROOT / "docs" / "guide" / "plugins.md").read_text()
    assert hooks.PLUGINS_MARKER in page
    filled = hooks.on_page_markdown(page, None, None, None)
    readme = (ROOT / "plugins" / "README.md").read_text()
    headings = [line for line in readme.splitlines() if line.startswith("## ")]
    first = headings.index(hooks.PLUGINS_FIRST_SECTION)
    for heading in headings[first:]:  # the groups, the rules, testing, the registry
        assert heading in filled
    assert hooks.PLUGINS_MARKER not in filled and "model_class" in filled
    with pytest.raises(ValueError, match="no section"):
        hooks.plugins_readme_markdown(ROOT / "README.md")
