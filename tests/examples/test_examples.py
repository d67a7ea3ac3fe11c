"""The README's main job, `examples/train_dcgan_digits.py`, runs and writes a real grid."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "train_dcgan_digits.py"


@pytest.mark.slow  # 10 s of training; slow tier keeps the default under 15 min
def test_example_trains_and_writes_a_ten_by_ten_grid(tmp_path):
    out = tmp_path / "grid.png"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--epochs", "2", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "wrote" in result.stdout
    with Image.open(out) as picture:
        pixels = np.asarray(picture)
    # 10 tiles of 8 px plus 9 px of padding per side, enlarged 6x.
    assert pixels.shape == (6 * 89, 6 * 89)
    assert pixels.std() > 10  # not a blank image
