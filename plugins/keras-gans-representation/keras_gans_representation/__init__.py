"""keras-gans-representation: adversarial representation learning and discrete outputs.

Architectures registered through the `keras_gans.architectures` entry points (nothing here is
imported by `import keras_gans`; a name is imported when asked for):

- `aae`: adversarial autoencoder (Makhzani et al. 2016).
- `bigan`: BiGAN / ALI, a joint discriminator on (x, z) (Donahue et al. 2017; Dumoulin et
  al. 2017).
- `vae-gan`: a VAE whose reconstruction is measured in the discriminator's features (Larsen
  et al. 2016).
- `dann`: domain-adversarial training with a gradient-reversal layer (Ganin & Lempitsky 2015).
- `embedding-alignment`: an adversarially learned linear map between embedding spaces with
  Procrustes refinement (Conneau et al. 2018).
- `gumbel-sequence`: a sequence GAN with a Gumbel-softmax output layer (Jang et al. 2017).

Use them by name: `keras_gans.GANModel.from_architecture("aae", image_shape=(8, 8, 1))`
builds the family's own `GANModel` subclass, which trains with `fit`.
"""
