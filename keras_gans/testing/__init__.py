"""The public conformance suite that built-in and third-party plugins both pass.

Plain functions that raise `AssertionError` with a message saying what is wrong, so they
work in any test runner. Call them from your plugin's own tests:

```python
import keras_gans.testing as kgt

def test_my_loss():
    kgt.check_loss(MyLoss())

def test_my_plugin_end_to_end(tmp_path):
    kgt.run_all("my-loss", tmp_path=tmp_path)
```

- `check_loss(loss)`, `check_penalty(penalty)`, `check_architecture(arch)`: the object's
  contract (values, gradients, orientation, config and Keras serialisation).
- `check_fit(model_or_arch_name, data)` and `check_save_load(gan, tmp_path)`: a short
  `fit`, then a `.keras` save, a safe-mode reload and resumed training.
- `run_all(name)`: all of the above for one installed plugin.
- `check_trick(trick)`: a `keras_gans.tricks.Trick`'s config, serialisation, training with
  it and reloading.
- `penalty_context`, `linear_discriminator`, `tiny_gan`, `sample_labels`: the fixtures the
  checks use, for your own tests. Conditions follow the generator's condition input:
  class ids, or random normal vectors for a float embedding (GAN-CLS, StackGAN).

This module uses TensorFlow (`tf.GradientTape`) to take gradients; it is test code, not
imported by `import keras_gans`.
"""

from keras_gans.testing.architecture_checks import check_architecture, sample_labels
from keras_gans.testing.loss_checks import OUTPUT_SHAPES, check_loss
from keras_gans.testing.penalty_checks import (
    check_penalty,
    linear_discriminator,
    penalty_context,
)
from keras_gans.testing.suite import KINDS, run_all, tiny_gan
from keras_gans.testing.training_checks import check_fit, check_save_load
from keras_gans.testing.trick_checks import check_trick

__all__ = [
    "KINDS",
    "OUTPUT_SHAPES",
    "check_architecture",
    "check_fit",
    "check_loss",
    "check_penalty",
    "check_save_load",
    "check_trick",
    "linear_discriminator",
    "penalty_context",
    "run_all",
    "sample_labels",
    "tiny_gan",
]
