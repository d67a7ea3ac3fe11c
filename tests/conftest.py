"""Test-session setup: quiet TensorFlow, two logical CPUs for tf.distribute tests, and the
`mixed_policy` and `bfloat16_policy` fixtures.

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


import pytest  # noqa: E402

from tests.dtype_policy import global_policy  # noqa: E402


@pytest.fixture
def mixed_policy():
    """The `mixed_float16` global dtype policy for one test, restored afterwards."""
    with global_policy("mixed_float16"):
        yield


@pytest.fixture
def bfloat16_policy():
    """The `mixed_bfloat16` global dtype policy for one test, restored afterwards."""
    with global_policy("mixed_bfloat16"):
        yield
