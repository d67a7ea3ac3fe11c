#!/usr/bin/env bash
# The GPU benchmark run (issue 19, item 6): one command, under 10 minutes on one GPU.
#
#   bash benchmarks/gpu.sh                  # on a machine with a GPU and keras-gans installed
#   RESULTS=/some/folder bash benchmarks/gpu.sh
#   GPU_SH_SMOKE=1 bash benchmarks/gpu.sh   # tiny sizes on the CPU: checks the script runs
#
# Stages, each under its own time limit (600 s in all) so that one slow stage cannot eat the
# others:
#   1. the machine: nvidia-smi, Python and package versions, the GPUs TensorFlow sees;
#   2. training throughput: GANModel.fit, the hand-written tf.function loop and PyTorch
#      eager (when torch is installed) on the same DCGAN, alternating (train_speed.py);
#   3. mixed precision: float32, mixed_float16 and mixed_bfloat16, speed and KID/FID
#      (mixed_precision.py);
#   4. memory: peak RSS and peak GPU memory of a 64x64 DCGAN at batch 256 (memory.py);
#   5. a 64x64 DCGAN trained with `keras-gans train` on the bundled digits upscaled to 64x64,
#      then FID/KID of 10,000 samples against the real images with `keras-gans evaluate`
#      (digits features, which need no download; Inception features too when the
#      `inception-v3-fid` weights are already in the cache);
#   6. serving latency of the exported 64x64 generator in every runtime (export_latency.py).
# Everything printed goes to $RESULTS/gpu-results.txt (default: benchmarks/results/).
#
# Needs TensorFlow with CUDA (`pip install "tensorflow[and-cuda]"`) besides the README's
# install. It never runs in CI.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
python="${PYTHON:-python3}"
results="${RESULTS:-$root/benchmarks/results}"
smoke="${GPU_SH_SMOKE:-0}"
mkdir -p "$results"
log="$results/gpu-results.txt"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONUNBUFFERED=1

if [[ "$smoke" == 1 ]]; then
    speed=(--rounds 1 --steps 5 --jit off)
    precision=(--epochs 2 --policies float32 mixed_bfloat16)
    memory=(--configs float32 metrics-50k --steps 1 --batch-size 16 --samples 2000 --feature-dim 64)
    train=(--epochs 1 --batch-size 64 --arch-arg base_filters=8)
    evaluate=(--n 200 --kid-subsets 5 --kid-subset-size 100)
    latency=(--rounds 2 --batch-sizes 1 --budget 2 --serving-processes 0)
else
    speed=(--rounds 6 --steps 200)
    precision=(--epochs 30)
    memory=()
    train=(--epochs 25 --batch-size 128)
    evaluate=(--n 10000)
    latency=(--rounds 20 --batch-sizes 1 8 64 --serving-processes 0)  # CPU-side serving loops: skipped
fi

stage() {  # stage NAME SECONDS COMMAND...: runs COMMAND under a limit, logs its output
    local name="$1" limit="$2"
    shift 2
    echo "=== $name ($(date -u +%H:%M:%S), limit ${limit}s)" | tee -a "$log"
    local start=$SECONDS
    timeout "$limit" "$@" 2>&1 | tee -a "$log"
    local status=${PIPESTATUS[0]}
    echo "=== $name: exit $status after $((SECONDS - start)) s" | tee -a "$log"
}

: >"$log"
echo "keras-gans GPU benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)" | tee -a "$log"
machine_report() {
    nvidia-smi 2>/dev/null || echo "nvidia-smi: not found"
    "$python" -c "import platform, tensorflow as tf, keras; \
print('Python', platform.python_version(), 'TensorFlow', tf.__version__, 'Keras', keras.__version__); \
print('GPUs:', tf.config.list_physical_devices('GPU') or 'none (the CPU runs everything)')"
}
export -f machine_report
export python
stage machine 30 bash -c machine_report
if [[ "$smoke" != 1 ]] && ! "$python" -c \
    "import sys, tensorflow as tf; sys.exit(not tf.config.list_physical_devices('GPU'))" \
    2>/dev/null; then
    echo "gpu.sh: TensorFlow sees no GPU; install tensorflow[and-cuda] or set GPU_SH_SMOKE=1" \
        | tee -a "$log"
    exit 1
fi

stage throughput 100 "$python" "$here/train_speed.py" "${speed[@]}"
stage mixed-precision 100 "$python" "$here/mixed_precision.py" "${precision[@]}"
stage memory 90 "$python" "$here/memory.py" "${memory[@]}"

"$python" - "$work/digits64.npz" <<'EOF'
import sys, numpy as np, tensorflow as tf
from keras_gans.datasets import load_digits
x, y = load_digits()
x = tf.image.resize(x, (64, 64), method="bilinear", antialias=True).numpy().clip(-1, 1)
np.savez(sys.argv[1], x=((x + 1) * 127.5).round().astype("uint8"), y=y)
EOF
stage dcgan-64 100 "$python" -m keras_gans_cli train --data "$work/digits64.npz" \
    --run-dir "$work/dcgan64" --no-tensorboard --seed 0 "${train[@]}"
stage fid-digits-features 45 "$python" -m keras_gans_cli evaluate "$work/dcgan64" \
    --real "$work/digits64.npz" --extractor digits "${evaluate[@]}"
if "$python" -c "import os, sys; import keras_gans.metrics.fid_inception as f; \
sys.exit(not (os.environ.get(f.ENV_VAR) or any((d / f.FILENAME).is_file() for d in f._cache_dirs())))" \
    2>/dev/null; then
    stage fid-inception 45 "$python" -m keras_gans_cli evaluate "$work/dcgan64" \
        --real "$work/digits64.npz" --extractor inception-v3-fid "${evaluate[@]}"
else
    echo "=== fid-inception: skipped, the inception-v3-fid weights are not in the cache" \
        | tee -a "$log"
fi

stage export-latency 90 "$python" "$here/export_latency.py" "${latency[@]}"
echo "results: $log"
