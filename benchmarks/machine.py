"""What the benchmarks print about the machine they ran on: processor, cores, versions."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import time


def usable_cores():
    """The cores this process may run on (its CPU affinity), else the online count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _first_processor(cpuinfo):
    """The fields of the first processor's block of /proc/cpuinfo (empty without one)."""
    fields = {}
    try:
        with open(cpuinfo, encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                key = key.strip()
                if not key and fields:
                    break  # the first processor's block is enough
                if key:
                    fields.setdefault(key, value.strip())
    except OSError:
        pass
    return fields


def cpu_name(cpuinfo="/proc/cpuinfo"):
    """The processor's model name, from /proc/cpuinfo where there is one, with its CPU
    family and model numbers when the file gives them. Virtual machines often name only
    the line ("AMD EPYC"), and machines of the same name differ: an "AMD EPYC" of family
    23, model 1 (Zen, 128-bit vector units) ran `onnx_gemm_floor.py`'s products in 12.8 to
    14.5 ms where the "AMD EPYC" behind the docs' latency figures took 4.7 to 5.3 ms."""
    fields = _first_processor(cpuinfo)
    name = fields.get("model name") or platform.processor() or platform.machine()
    if "cpu family" in fields and "model" in fields:
        name += f" (family {fields['cpu family']}, model {fields['model']})"
    return name


def cpu_flags(cpuinfo="/proc/cpuinfo"):
    """The processor's feature flags from /proc/cpuinfo (`avx2`, `avx512f`, ...); empty
    where the file is missing."""
    return set(_first_processor(cpuinfo).get("flags", "").split())


def version(distribution):
    """An installed distribution's version, or "not installed"."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


class OtherLoad:
    """Cores' worth of CPU used by other processes since the last call (Linux /proc/stat)."""

    def __init__(self):
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self._last = self._sample()

    def _sample(self):
        try:
            with open("/proc/stat", encoding="utf-8") as handle:
                fields = [int(v) for v in handle.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        busy = sum(fields) - fields[3] - (fields[4] if len(fields) > 4 else 0)
        return time.perf_counter(), busy / self._tick, time.process_time()

    def __call__(self):
        now, last = self._sample(), self._last
        self._last = now
        if now is None or last is None:
            return float("nan")
        wall = now[0] - last[0]
        return max(0.0, (now[1] - last[1]) - (now[2] - last[2])) / wall


def startup_banner():
    """The first line of the start-up benchmarks: processor, cores, load and versions."""
    return (
        f"machine: {cpu_name()}, {usable_cores()} usable cores, "
        f"load average {os.getloadavg()[0]:.2f}; Python {platform.python_version()}, "
        f"keras-gans {version('keras-gans')}, "
        f"tensorflow {version('tensorflow')}, keras {version('keras')}"
    )


def machine_line():
    """`machine: PROCESSOR, N cores usable (M online), SYSTEM ARCH`."""
    return (
        f"machine: {cpu_name()}, {usable_cores()} cores usable ({os.cpu_count()} online), "
        f"{platform.system()} {platform.machine()}"
    )
