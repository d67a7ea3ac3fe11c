"""keras-gans: generative adversarial networks for Keras 3.

Importing the package registers `GANModel` and every serialisable loss, penalty and
constraint with Keras, so `keras.saving.load_model` works in a fresh process after
`import keras_gans`. Plugins (architectures, losses, ...) are discovered from entry-point
metadata and imported only when asked for by name.
"""

from keras_gans import architectures, losses, penalties, registry
from keras_gans.models import GANModel
from keras_gans.version import __version__

__all__ = ["GANModel", "__version__", "architectures", "losses", "penalties", "registry"]
