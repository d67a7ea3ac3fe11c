"""One worker of the two-worker test in test_multi_worker.py (run as a script, not collected).

Usage: python multi_worker_task.py INDEX PORT0,PORT1 OUT_DIR [conditional|dann]
"""

import json
import os
import sys

index, ports, out = int(sys.argv[1]), sys.argv[2].split(","), sys.argv[3]
mode = sys.argv[4] if len(sys.argv) > 4 else "plain"
workers = [f"localhost:{port}" for port in ports]
os.environ["TF_CONFIG"] = json.dumps(
    {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
)

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tests.models.test_multi_worker import (  # noqa: E402
    DATA,
    train,
    train_conditional,
    train_dann,
)

strategy = tf.distribute.MultiWorkerMirroredStrategy()
trainers = {"plain": train, "conditional": train_conditional, "dann": train_dann}
weights, history = trainers[mode](strategy, DATA)
np.savez(
    os.path.join(out, f"worker{index}.npz"),
    replicas=strategy.num_replicas_in_sync,
    **{f"w{i}": w for i, w in enumerate(weights)},
    **{f"log_{k}": np.array(v) for k, v in history.items()},
)
