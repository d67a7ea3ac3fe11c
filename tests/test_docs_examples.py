"""The documentation's code examples run as written: every docs page and the README.

The rule, by fence language (the info string after the three backticks):

- `python`: runnable. A page's runnable blocks are concatenated in order and run in one
  fresh subprocess, in a temporary working directory, so a block may use the names that an
  earlier block of the same page defined.
- `python title="some/path.py"` (or any language with a `title`, such as `toml
  title="pkg/pyproject.toml"`): the content of a file. It is written to that path (relative
  to the working directory) before the page runs, not executed itself. A folder that gets a
  `pyproject.toml` this way is installed with pip into a temporary `--target` directory put
  on `PYTHONPATH` (the tutorial's plugin distribution), so the environment is left as it was.
- `py`, `text`, `bash`, `toml` and anything else: illustration, never run (snippets that need
  a GPU cluster, a trained model or an undefined `dataset`, shell commands, outputs).

Pages whose examples run within about 10 s are in the default tier; pages that train longer
are `@pytest.mark.slow`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\S*)(.*)$")
TITLE = re.compile(r'title="([^"]+)"')

# Pages whose examples take more than ~10 s (trained for several epochs): the slow tier.
SLOW_PAGES = {
    "README.md",
    "getting-started.md",
    "guide/conditional.md",
    "guide/evaluation.md",
    "guide/export.md",
    "guide/families.md",
    "guide/stabilisation.md",
    "tutorial/write-a-plugin.md",
}
# Model-family pages whose examples train for the full documented run (over a minute each
# on 2 CPU cores; measured) run only with KERAS_GANS_DOCS_LONG=1, so that the slow tier keeps
# its length.
LONG_PAGES = {  # measured on 2 shared CPU cores: over 45 s each (most over 60 s)
    "image2image/cogan.md",
    "image2image/pix2pix.md",
    "image2image/pix2pixhd.md",
    "image2image/simgan.md",
    "representation/aae.md",
    "representation/bigan.md",
    "representation/embedding_alignment.md",
    "representation/gumbel_sequence.md",
    "representation/vae_gan.md",
    "style/biggan.md",
    "style/progan.md",
    "style/sagan.md",
    "style/stylegan.md",
    "style/stylegan2.md",
    "style/tac_gan.md",
}
# Pages whose `python` blocks are illustrations that cannot run as they stand; the reason
# is printed by the skip. Fix the page (fence them as `py`) rather than growing this list.
NOT_RUNNABLE = {}


def blocks(path):
    """The fenced blocks of a Markdown file: `(language, title or None, code)` in order."""
    found, current = [], None
    for line in Path(path).read_text().splitlines(keepends=True):
        match = FENCE.match(line.rstrip("\n"))
        if current is None and match and match.group(1):
            title = TITLE.search(match.group(2))
            current = (match.group(1), title.group(1) if title else None, [])
        elif current is not None and line.startswith("```"):
            found.append((current[0], current[1], "".join(current[2])))
            current = None
        elif current is not None:
            current[2].append(line)
    return found


def runnable(path):
    """`(files, code)`: the titled blocks to write and the `python` code to run."""
    files, code = {}, []
    for language, title, text in blocks(path):
        if title and language != "py":
            files[title] = text
        elif language == "python":
            code.append(text)
    return files, "\n".join(code)


# Checks appended to a page's code: outputs the page's text describes.
PAGE_CHECKS = {
    "getting-started.md": "assert grid.shape == (20, 8, 8, 1) and images.shape == (16, 8, 8, 1)\n"
    "assert os.path.exists('gan.keras')\n",
}


def _pages():
    pages = []
    for path in sorted(DOCS.rglob("*.md")):
        name = path.relative_to(DOCS).as_posix()
        if not runnable(path)[1]:
            continue
        # Every page runs in a fresh process (a TensorFlow start-up, ~7 s on 2 cores), so
        # even the quick pages (6-13 s) go to the slow tier, keeping the default tier under
        # its 15 minutes; SLOW_PAGES records which ones train for longer.
        marks = [pytest.mark.slow]
        if name in NOT_RUNNABLE:
            marks.append(pytest.mark.skip(reason=NOT_RUNNABLE[name]))
        elif name in LONG_PAGES and not os.environ.get("KERAS_GANS_DOCS_LONG"):
            marks.append(pytest.mark.skip(reason="trains for minutes: KERAS_GANS_DOCS_LONG=1"))
        pages.append(pytest.param(path, id=name, marks=marks))
    return pages


def run_page(path, tmp_path, timeout=600):
    """Writes the page's files, installs a written distribution, runs its code; the result."""
    files, code = runnable(path)
    name = path.relative_to(DOCS).as_posix() if path.is_relative_to(DOCS) else path.name
    if name in PAGE_CHECKS:
        code = f"{code}\nimport os\n{PAGE_CHECKS[name]}"
    for relative, text in files.items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    env = dict(os.environ)
    projects = sorted({(tmp_path / f).parent for f in files if f.endswith("pyproject.toml")})
    if projects:
        site = tmp_path / "_site-packages"
        install = [sys.executable, "-m", "pip", "--disable-pip-version-check", "install"]
        install += ["--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
        install += ["--target", str(site), *map(str, projects)]
        done = subprocess.run(install, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("path", _pages())
def test_docs_page_examples_run(path, tmp_path):
    start = time.perf_counter()
    result = run_page(path, tmp_path)
    assert result.returncode == 0, f"{path}:\n{result.stderr[-4000:]}"
    print(f"{path.relative_to(ROOT)}: {time.perf_counter() - start:.1f} s")


@pytest.mark.slow  # trains the README's example (a minute): the slow tier, which CI also runs
def test_readme_example_runs(tmp_path):
    files, code = runnable(README)
    assert not files and "from_architecture" in code and "generate" in code
    result = run_page(README, tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
    assert (tmp_path / "gan.keras").exists()


def test_fence_rule_is_followed():
    """Every fenced block says its language, so the rule above decides whether it runs."""
    for path in [README, *sorted(DOCS.rglob("*.md"))]:
        inside = False
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.startswith("```"):
                if not inside:
                    assert line != "```", f"{path}:{number}: a code block without a language"
                inside = not inside


def test_readme_keeps_the_ci_install_and_test_commands():
    """The README's setup command installs exactly what `.ci/run` installs, and tests alike."""
    ci = (ROOT / ".ci" / "run").read_text()
    (install,) = re.findall(r"pip install --quiet (-e .*)", ci)
    readme = README.read_text()
    assert f".venv/bin/pip install {install.strip()}" in readme
    assert ".venv/bin/python -m pytest && .venv/bin/python -m pytest -m slow" in readme
    assert ".venv/bin/mkdocs build --strict" in readme
