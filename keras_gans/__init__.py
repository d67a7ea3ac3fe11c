"""keras-gans: generative adversarial networks for Keras 3.

Importing the package registers `GANModel` and every serialisable loss, penalty,
constraint, trick, latent prior and layer with Keras, so `keras.saving.load_model` works in
a fresh process after `import keras_gans`. Plugins (architectures, losses, ...) are
discovered from entry-point metadata and imported only when asked for by name.

`keras_gans.export` is a light forwarder to the `keras-gans-export` distribution, so this
package imports (and trains) without the export stack, also from a plain checkout.
"""

from keras_gans import (
    architectures,
    callbacks,
    datasets,
    export,
    images,
    latents,
    layers,
    losses,
    metrics,
    penalties,
    registry,
    steps,
    tricks,
)
from keras_gans.models import GANModel, load_model
from keras_gans.version import __version__

__all__ = [
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
]
