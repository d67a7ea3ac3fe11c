"""Test-session setup: quiet TensorFlow, and two logical CPUs for tf.distribute tests.

The logical device split must happen before TensorFlow initialises its devices, so it is
done here, before any test module imports keras_gans.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

_cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    _cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)
