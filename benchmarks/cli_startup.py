"""Start-up time of the `keras-gans` command: `--help`, `list` and a bad `--arch`.

Run on demand (this is not a test)::

    python benchmarks/cli_startup.py            # 5 runs of each, about 10 s
    python benchmarks/cli_startup.py --runs 11

Each command runs in a fresh Python process (`python -m keras_gans_cli ...`), as a user
types it; the table gives the median and the range of the wall-clock seconds, the peak
resident memory of the child (`ru_maxrss`; the largest of the runs) and whether it imported
TensorFlow. Goal (issue 15): under 1 s, without TensorFlow, for all three.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import machine  # noqa: E402

#: Label -> the command's arguments.
COMMANDS = {
    "keras-gans --help": ["--help"],
    "keras-gans list": ["list"],
    "keras-gans train --arch nope": ["train", "--arch", "nope"],
}

#: Runs the command in-process, then reports whether TensorFlow was imported (on stderr).
_WRAPPER = (
    "import sys, keras_gans_cli\n"
    "try:\n"
    "    code = keras_gans_cli.main(sys.argv[1:])\n"
    "except SystemExit as stop:\n"
    "    code = stop.code\n"
    "print('TENSORFLOW_IMPORTED=%s' % ('tensorflow' in sys.modules), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def run_once(args):
    """`(wall seconds, peak RSS in MiB, tensorflow imported)` of one fresh process."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", _WRAPPER, *args], stdout=subprocess.DEVNULL, stderr=stderr
        )
        _, _, usage = os.wait4(child.pid, 0)  # the child's own resource usage
        wall = time.perf_counter() - start
        child.returncode = 0  # reaped by wait4
        stderr.seek(0)
        text = stderr.read().decode(errors="replace")
    return wall, usage.ru_maxrss / 1024, "TENSORFLOW_IMPORTED=True" in text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command [5]")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be a positive integer. Received: {args.runs}")
    print(machine.startup_banner())
    print(f"{'command':<30} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9}  TF")
    for label, command in COMMANDS.items():
        runs = [run_once(command) for _ in range(args.runs)]
        walls = [wall for wall, _, _ in runs]
        peak = max(peak for _, peak, _ in runs)
        tensorflow = "yes" if any(tf for _, _, tf in runs) else "no"
        print(
            f"{label:<30} {statistics.median(walls):>9.2f} {min(walls):>7.2f} "
            f"{max(walls):>7.2f} {peak:>9.0f}  {tensorflow}"
        )


if __name__ == "__main__":
    main()
