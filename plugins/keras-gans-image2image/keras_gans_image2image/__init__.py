"""keras-gans-image2image: image-to-image translation and its baselines.

Architectures registered through the `keras_gans.architectures` entry points (nothing here is
imported by `import keras_gans`; a name is imported when asked for):

- `pix2pix`: U-Net generator and PatchGAN on (input, output) pairs (Isola et al. 2017).
- `pix2pixhd`: coarse-to-fine generator, multi-scale discriminators, feature matching
  (Wang et al. 2018).
- `cyclegan`: two ResNet generators, two PatchGANs, cycle and identity losses (Zhu et al.
  2017).
- `cogan`: coupled generators with shared weights (Liu & Tuzel 2016).
- `simgan`: a refiner with self-regularisation and a history of refined images
  (Shrivastava et al. 2017).

Use them by name: `keras_gans.GANModel.from_architecture("pix2pix", image_shape=(32, 32, 1))`
builds the family's own `GANModel` subclass, which trains with `fit(a_images, b_images)`.
"""
