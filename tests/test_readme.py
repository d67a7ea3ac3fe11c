"""The README's Python examples run as written (the self-contained ones)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
RUNNABLE_SECTIONS = (
    "## Quick start",
    "### Conditional GANs",
    "### The same pieces in a Keras script",
    "## Conditional and auxiliary-task GANs",
    "## Architectures",
    "## Stabilisation toolkit",
    "## Mode-collapse benchmark",
    "## Datasets",
    "## Evaluation",
    "## Export: SavedModel, ONNX and TFLite",
    "## Representation learning and discrete outputs",
    "## Image-to-image translation",
    "## Multi-scale and style-based generators",
)


def _blocks(section):
    text = README.read_text()
    start = text.index(section)
    end = text.find("\n## ", start + len(section))
    body = text[start : end if end != -1 else None]
    if section.startswith("### "):
        following = body.find("\n### ", len(section))
        body = body if following == -1 else body[:following]
    return re.findall(r"```python\n(.*?)```", body, flags=re.S)


@pytest.mark.slow  # about 3 minutes of training examples: the slow tier, which CI also runs
def test_readme_examples_run(tmp_path):
    blocks = [block for section in RUNNABLE_SECTIONS for block in _blocks(section)]
    # The quick start and conditional examples' outputs, checked before later sections
    # reuse the names.
    first = len(_blocks(RUNNABLE_SECTIONS[0])) + len(_blocks(RUNNABLE_SECTIONS[1]))
    check = "assert grid.shape == (20, 8, 8, 1) and images.shape == (16, 8, 8, 1)\n"
    code = "\n".join([*blocks[:first], check, *blocks[first:]])
    assert "from_architecture" in code and "generate" in code
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "gan.keras").exists()
