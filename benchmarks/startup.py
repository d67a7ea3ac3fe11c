"""Import cost of `keras_gans` and time to the first training step of `keras-gans train`.

Run on demand (this is not a test)::

    python benchmarks/startup.py              # 5 fresh processes per measurement, ~2 min
    python benchmarks/startup.py --runs 9

Two measurements, each in fresh Python processes as a user meets them (issue 19, item 5):

* **import**: one process times `import keras`, then `import keras_gans` on top of it
  (`time.perf_counter()` around each). The figure is what `keras_gans` adds to Keras,
  whose own import (TensorFlow's, mostly) is printed beside it. Goal: under 0.3 s.
* **first step**: the default run, `keras-gans train --run-dir DIR` (digits, DCGAN, batch 64),
  with a callback added that notes the wall time of the start of `fit` and of the ends of
  the first six batches, then ends the process. "first step" is `fit` start to the end of
  batch 1: tracing the step function, building the optimizers' slots and running it. The
  steady step (median of batches 2-6) is printed beside it, and the time from launching
  the process to the end of batch 1 (imports, data, model building included). Goal: the
  first step under 2 s.

Medians over the runs, the range beside them; the machine and versions head the output.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import machine  # noqa: E402

_IMPORT = (
    "import time, json\n"
    "t0 = time.perf_counter()\n"
    "import keras\n"
    "t1 = time.perf_counter()\n"
    "import keras_gans\n"
    "t2 = time.perf_counter()\n"
    "print(json.dumps({'keras': t1 - t0, 'keras_gans': t2 - t1}))\n"
)

#: Runs `keras-gans train` in-process with a timing callback slipped into its `fit`.
_FIRST_STEP = (
    "import json, os, sys, time\n"
    "import keras, keras_gans.callbacks as cb, keras_gans_cli\n"
    "marks = {}\n"
    "class Marks(keras.callbacks.Callback):\n"
    "    def on_train_begin(self, logs=None):\n"
    "        marks.setdefault('fit', time.time())\n"
    "    def on_train_batch_end(self, batch, logs=None):\n"
    "        marks.setdefault('batches', []).append(time.time())\n"
    "        if len(marks['batches']) == 6:\n"
    "            print(json.dumps(marks), flush=True)\n"
    "            os._exit(0)\n"
    "original = cb.resumable_fit\n"
    "def timed(model, make_dataset, epochs, callbacks, **kwargs):\n"
    "    return original(model, make_dataset, epochs, [Marks(), *callbacks], **kwargs)\n"
    "cb.resumable_fit = timed\n"
    "sys.exit(keras_gans_cli.main(sys.argv[1:]))\n"
)


def _last_json(text):
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"the child printed no measurement:\n{text[-2000:]}")


def import_times():
    """`(seconds for keras, seconds keras_gans adds)` in one fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT], capture_output=True, text=True, check=True
    )
    values = _last_json(done.stdout)
    return values["keras"], values["keras_gans"]


def first_step_times():
    """`(launch to batch 1, fit start to batch 1, median of batches 2-6)` in seconds."""
    with tempfile.TemporaryDirectory() as folder:
        launched = time.time()
        done = subprocess.run(
            [sys.executable, "-c", _FIRST_STEP, "train", "--run-dir", os.path.join(folder, "run")],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"keras-gans train failed:\n{done.stderr[-2000:]}")
    marks = _last_json(done.stdout)
    batches = marks["batches"]
    steady = statistics.median(b - a for a, b in zip(batches[:-1], batches[1:], strict=True))
    return batches[0] - launched, batches[0] - marks["fit"], steady


def _row(label, values, unit="s"):
    return (
        f"{label:<42} {statistics.median(values):>8.3f} {min(values):>8.3f} "
        f"{max(values):>8.3f} {unit}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes each [5]")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be a positive integer. Received: {args.runs}")
    print(machine.startup_banner())
    imports = [import_times() for _ in range(args.runs)]
    steps = [first_step_times() for _ in range(args.runs)]
    print(f"{'measurement':<42} {'median':>8} {'min':>8} {'max':>8}")
    print(_row("import keras", [k for k, _ in imports]))
    print(_row("import keras_gans, after keras (goal < 0.3)", [g for _, g in imports]))
    print(_row("keras-gans train: launch to end of step 1", [s[0] for s in steps]))
    print(_row("keras-gans train: first step (goal < 2)", [s[1] for s in steps]))
    print(_row("keras-gans train: later steps (median 2-6)", [s[2] for s in steps]))
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
