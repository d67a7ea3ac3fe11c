"""keras-gans-style: multi-scale, style-based and large-scale conditional generators.

Architectures registered through the `keras_gans.architectures` entry points (nothing here is
imported by `import keras_gans`; a name is imported when asked for):

- `lapgan`: a Laplacian pyramid of conditional GANs (Denton et al. 2015).
- `stackgan`: embedding-conditioned stages with conditioning augmentation (Zhang et al. 2017).
- `progan`: progressive growing with fade-in (Karras et al. 2018).
- `stylegan`: mapping network, AdaIN, per-layer noise, style mixing (Karras et al. 2019).
- `stylegan2`: modulated convolutions with weight demodulation, lazy R1, path-length
  regularisation (Karras et al. 2020).
- `sagan`: self-attention in both networks, spectral norm, hinge loss, TTUR (Zhang et al.
  2019).
- `biggan`: shared class embedding, hierarchical latents, conditional BatchNorm, projection
  discriminator, orthogonal regularisation (Brock et al. 2019).
- `tac-gan`: ACGAN with the twin auxiliary classifier that removes its bias (Gong et al.
  2019).

Use them by name: `keras_gans.GANModel.from_architecture("progan", image_shape=(32, 32, 1))`
builds the family's own `GANModel` subclass.
"""
