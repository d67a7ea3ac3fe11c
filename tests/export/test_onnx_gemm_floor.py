"""`benchmarks/onnx_gemm_floor.py`: its matrix products are the generator's whole work, and
each bare `MatMul` session computes the product it names."""

import numpy as np
import pytest

from keras_gans_export.runtime_settings import onnx_session_options
from tests import benchmark_modules


@pytest.fixture(scope="module")
def floor():
    return benchmark_modules.load("onnx_gemm_floor")


def test_the_products_hold_every_multiply_add_of_the_generator(floor, gans):
    generator = gans["dcgan"].generator
    shapes = floor.gemm_shapes(generator)
    assert shapes[0][0].startswith("dense")
    assert len(shapes) == 1 + sum("conv2d_transpose" in layer.name for layer in generator.layers)
    counted = sum(2 * m * k * n for _, (m, k, n) in shapes)
    assert counted == benchmark_modules.load("export_latency").flops_per_sample(generator)


def test_a_matmul_session_computes_its_product(floor):
    session = floor.matmul_session(3, 5, 7, onnx_session_options(threads=1))
    x = np.random.default_rng(1).standard_normal((3, 5)).astype("float32")
    weight = np.random.default_rng(0).standard_normal((5, 7)).astype("float32") * 0.01
    (y,) = session.run(None, {"x": x})
    np.testing.assert_allclose(y, x @ weight, rtol=1e-5, atol=1e-6)
