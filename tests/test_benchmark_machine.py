"""`benchmarks/machine.py`: what the benchmarks print about the processor."""

from tests import benchmark_modules

CPUINFO = """processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 26
model\t\t: 2
model name\t: AMD EPYC
flags\t\t: fpu avx2 avx512f

processor\t: 1
cpu family\t: 99
model name\t: Other
flags\t\t: sse4a
"""


def test_cpu_name_and_flags_come_from_the_first_processor(tmp_path):
    machine = benchmark_modules.load("machine")
    path = tmp_path / "cpuinfo"
    path.write_text(CPUINFO)
    assert machine.cpu_name(path) == "AMD EPYC (family 26, model 2)"
    assert machine.cpu_flags(path) == {"fpu", "avx2", "avx512f"}
    assert machine.cpu_flags(tmp_path / "missing") == set()
