"""Does BigGAN beat its initialisation and the DCGAN baseline on FID/KID? Labelled digits.

Run on demand (this is not a test)::

    python benchmarks/style_biggan.py                                  # 16x16, 3 seeds
    python benchmarks/style_biggan.py --seeds 0 --base-filters 32      # the docs' table
    python benchmarks/style_biggan.py --size 32 --seeds 0 --epochs 20
    python benchmarks/style_biggan.py --markdown table.md --pictures docs/style

The protocol of `benchmarks/style_sagan.py` (same data, sizes, budget, scores and flags),
with labels: each seed trains, on the 1,797 bundled digits upscaled to `--size` with their
labels,

- `biggan` (`keras_gans_style.biggan.BigGAN`: shared class embedding, hierarchical latents into
  conditional batch norm, residual networks with spectral norm and self-attention at half
  the side, projection discriminator, hinge loss, orthogonal regularisation beta 1e-4)
  with `latent_dim=64`, `num_classes=10`, `shared_dim=32`, `base_filters=--base-filters`
  and BigGAN's optimizers (`BigGAN(...).default_optimizers()`: discriminator 4e-4, generator
  1e-4, Adam beta_1 0, beta_2 0.999) unless `--g-lr` / `--d-lr` say otherwise; one
  discriminator step per generator step (`--d-steps`; the paper takes 2);
- the DCGAN baseline (`style_common.train_dcgan_baseline`) conditioned on the same labels
  (the core `dcgan` with `num_classes=10`: label embedding joined to `z`, label map as a
  discriminator channel);

both for `--epochs` epochs of batch 64 (per discriminator step), timed. Scores: FID and KID
of 1,000 samples (classes 0-9 in turn) against the real digits with the digits
classifier's features, for BigGAN at initialisation, trained, and the baseline.
`--pictures DIR` writes `biggan_samples.png` (rows of classes 0-9 in turn) and
`biggan_real.png`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

if __name__ == "__main__":
    from style_sagan import run

    run("biggan", conditional=True, extra_keywords={"shared_dim": 32}, doc=__doc__)
