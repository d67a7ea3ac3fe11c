"""The machine's float32 peak as a large matrix product reaches it (for `--peak-gflops`).

Run on demand (this is not a test)::

    python benchmarks/peak_gflops.py             # about 20 s

`export_latency.py` and `onnx_gemm_floor.py` give each time as a fraction of the CPU's
float32 peak. The peak is cores x FMA pipes x lanes x 2 x clock, and a VM hides the clock,
so this script measures the nearest thing: a 4096^3 float32 GEMM (`numpy.matmul`,
OpenBLAS, all usable cores), the best of a few calls. OpenBLAS picks its kernel from the
CPU model, and a model newer than it knows gets an older kernel (AMD's family 26 gets the
256-bit Haswell one, half the rate of the 512-bit units it has), so the product is timed
in a fresh process for each of OpenBLAS' x86-64 kernels the CPU can run
(`OPENBLAS_CORETYPE`) and the fastest is the figure: a lower bound on the peak (the clock
the VM runs at is not known here to check it against the datasheet).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from machine import cpu_flags, machine_line, usable_cores, version  # benchmarks/machine.py

_TIMING = """
import time
import numpy as np
n = {n}
a = np.random.default_rng(0).random((n, n), dtype=np.float32)
a @ a
times = []
for _ in range(4):
    start = time.perf_counter()
    a @ a
    times.append(time.perf_counter() - start)
print(2 * n**3 / min(times) / 1e9)
"""

# OpenBLAS' x86-64 kernels, oldest first, with the CPU flag each needs.
_KERNELS = {"Haswell": "avx2", "SkylakeX": "avx512f", "Cooperlake": "avx512_bf16"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4096, help="matrix side (default 4096)")
    args = parser.parse_args()
    flags = cpu_flags()
    rates = {}
    for kernel, flag in _KERNELS.items():
        if flag not in flags:
            continue
        env = dict(os.environ, OPENBLAS_CORETYPE=kernel)
        out = subprocess.run(
            [sys.executable, "-c", _TIMING.format(n=args.size)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        rates[kernel] = float(out.stdout.strip())
    print(f"{machine_line()}; numpy {version('numpy')}")
    for kernel, rate in rates.items():
        print(f"  OpenBLAS {kernel} kernel: {rate:.0f} GFLOP/s")
    best = max(rates, key=rates.get)
    print(
        f"float32 peak as a {args.size}^3 GEMM reaches it on {usable_cores()} cores: "
        f"{rates[best]:.0f} GFLOP/s ({best} kernel); pass --peak-gflops {rates[best]:.0f}"
    )


if __name__ == "__main__":
    main()
