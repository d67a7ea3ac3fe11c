"""Every flag of every subcommand, fed bad values: one line naming the flag, nothing written.

Each row is `(name, argv, exit status, *substrings of the one error line)`. `argv` is split
like a shell line, then these placeholders are filled: `{run}` the shared trained run,
`{file}` an existing text file, `{dir}` an existing empty folder, `{tmp}` the test's working
folder (the current directory). `TRAIN` rows name `--run-dir {tmp}/new-run`, which must stay
absent; every row checks that nothing at all was written in `{tmp}` or in the shared run.
Exit status 2 is an argparse error, 1 the command's own one-line error.
"""

import os
import shlex

import pytest

import keras_gans_cli
from tests.cli.conftest import TINY

#: Prefix of `train` rows: a run that would train in seconds if a bad flag slipped through.
TRAIN = f"train {shlex.join(TINY)} --epochs 1 --no-tensorboard --run-dir {{tmp}}/new-run "
#: Prefix of `evaluate` rows: cheap should a bad flag slip through.
EVALUATE = "evaluate {run} --n 16 --extractor digits --quiet "

TRAIN_CASES = [
    ("latent-dim-zero", TRAIN + "--latent-dim 0", 2, "--latent-dim", "expected", "0"),
    ("strategy-unknown", TRAIN + "--strategy ring", 2, "--strategy", "'ring'", "multi-worker"),
    ("strategy-empty", TRAIN + "--strategy ''", 2, "--strategy", "''"),
    (
        "precision-unknown",
        TRAIN + "--precision float16",
        2,
        "--precision",
        "'float16'",
        "mixed_bfloat16",
    ),
    ("latent-dim-text", TRAIN + "--latent-dim abc", 2, "--latent-dim", "'abc'"),
    ("latent-dim-float", TRAIN + "--latent-dim 1.5", 2, "--latent-dim", "'1.5'"),
    ("batch-size-negative", TRAIN + "--batch-size -1", 2, "--batch-size", "-1"),
    ("epochs-zero", TRAIN + "--epochs 0", 2, "--epochs", "0"),
    ("steps-per-epoch-zero", TRAIN + "--steps-per-epoch 0", 2, "--steps-per-epoch", "0"),
    ("d-steps-zero", TRAIN + "--d-steps 0", 2, "--d-steps", "0"),
    ("d-lr-nan", TRAIN + "--d-lr nan", 2, "--d-lr", "nan"),
    ("d-lr-inf", TRAIN + "--d-lr inf", 2, "--d-lr", "inf"),
    ("d-lr-negative", TRAIN + "--d-lr -0.5", 2, "--d-lr", "-0.5"),
    ("g-lr-zero", TRAIN + "--g-lr 0", 2, "--g-lr", "0"),
    ("g-lr-text", TRAIN + "--g-lr fast", 2, "--g-lr", "'fast'"),
    ("beta1-one", TRAIN + "--beta1 1", 1, "--beta1", "[0, 1)", "1"),
    ("beta1-nan", TRAIN + "--beta1 nan", 1, "--beta1", "nan"),
    ("beta2-negative", TRAIN + "--beta2 -0.1", 1, "--beta2", "-0.1"),
    ("beta2-text", TRAIN + "--beta2 abc", 2, "--beta2", "'abc'"),
    ("ema-decay-one", TRAIN + "--ema-decay 1", 1, "--ema-decay", "(0, 1)", "1"),
    ("ema-decay-nan", TRAIN + "--ema-decay nan", 2, "--ema-decay", "nan"),
    ("ema-start-negative", TRAIN + "--ema-decay 0.9 --ema-start -1", 2, "--ema-start", "-1"),
    ("ema-start-alone", TRAIN + "--ema-start 5", 1, "--ema-start", "--ema-decay", "5"),
    ("lr-decay-epochs-zero", TRAIN + "--lr-decay-epochs 0", 2, "--lr-decay-epochs", "0"),
    ("lr-decay-over-epochs", TRAIN + "--lr-decay-epochs 5", 1, "--lr-decay-epochs", "5"),
    ("seed-negative", TRAIN + "--seed -1", 2, "--seed", "-1"),
    ("seed-text", TRAIN + "--seed abc", 2, "--seed", "'abc'"),
    ("seed-too-large", TRAIN + "--seed 99999999999", 2, "--seed", "99999999999"),
    ("samples-zero", TRAIN + "--samples 0", 2, "--samples", "0"),
    ("sample-every-zero", TRAIN + "--sample-every 0", 2, "--sample-every", "0"),
    ("checkpoint-steps-zero", TRAIN + "--checkpoint-steps 0", 2, "--checkpoint-steps", "0"),
    ("eval-every-zero", TRAIN + "--eval-every 0", 2, "--eval-every", "0"),
    ("eval-samples-zero", TRAIN + "--eval-samples 0", 2, "--eval-samples", "0"),
    (
        "eval-samples-too-few",
        TRAIN + "--eval kid --eval-samples 1",
        1,
        "--eval-samples",
        "at least 2",
        "1",
    ),
    (
        "eval-samples-too-few-for-pr",
        TRAIN + "--eval precision_recall --eval-samples 5",
        1,
        "--eval-samples",
        "at least 6",
    ),
    ("eval-unknown", TRAIN + "--eval fid,nope", 1, "--eval", "fid,nope"),
    ("eval-empty", TRAIN + "--eval ''", 1, "--eval", "''"),
    ("eval-commas", TRAIN + "--eval ,", 1, "--eval", "','"),
    (
        "eval-extractor-unknown",
        TRAIN + "--eval kid --eval-extractor nope",
        1,
        "--eval-extractor",
        "nope",
    ),
    ("eval-extractor-alone", TRAIN + "--eval-extractor digits", 1, "--eval-extractor", "--eval"),
    ("eval-every-alone", TRAIN + "--eval-every 2", 1, "--eval-every", "--eval"),
    ("monitor-unknown", TRAIN + "--monitor nope", 1, "--monitor", "nope"),
    ("monitor-empty", TRAIN + "--monitor ''", 1, "--monitor", "''"),
    ("monitor-mode-choice", TRAIN + "--monitor-mode up", 2, "--monitor-mode", "'up'"),
    ("verbose-choice", TRAIN + "--verbose 3", 2, "--verbose", "3"),
    ("conditional-choice", TRAIN + "--conditional maybe", 2, "--conditional", "'maybe'"),
    ("arch-unknown", TRAIN + "--arch nope", 1, "--arch", "nope"),
    ("arch-empty", TRAIN + "--arch ''", 1, "--arch", "''"),
    ("arch-arg-no-equals", TRAIN + "--arch-arg base_filters", 2, "--arch-arg", "KEY=VALUE"),
    ("arch-arg-no-key", TRAIN + "--arch-arg =4", 2, "--arch-arg", "'=4'"),
    ("arch-arg-unknown-key", TRAIN + "--arch-arg nope=1", 1, "--arch-arg", "nope"),
    ("arch-arg-zero", TRAIN + "--arch-arg base_filters=0", 1, "base_filters", "0"),
    ("arch-arg-bad-shape", TRAIN + "--arch-arg 'image_shape=(8,8)'", 1, "image_shape", "(8, 8)"),
    ("image-size-odd", TRAIN + "--image-size 5", 1, "image_shape", "(5, 5, 1)"),
    ("arch-arg-text", TRAIN + "--arch-arg base_filters=abc", 1, "base_filters", "abc"),
    ("loss-unknown", TRAIN + "--loss nope", 1, "--loss", "nope"),
    ("loss-empty", TRAIN + "--loss ''", 1, "--loss", "''"),
    ("loss-arg-unknown-key", TRAIN + "--loss-arg nope=1", 1, "--loss", "nope"),
    ("loss-arg-unknown-for-hinge", TRAIN + "--loss hinge --loss-arg margin=2", 1, "margin"),
    ("loss-arg-no-equals", TRAIN + "--loss-arg x", 2, "--loss-arg", "KEY=VALUE", "'x'"),
    ("loss-arg-bad-value", TRAIN + "--loss wgan-gp --loss-arg gp_weight=-1", 1, "gp_weight", "-1"),
    ("data-empty", TRAIN + "--data ''", 1, "--data", "''"),
    ("data-missing-path", TRAIN + "--data ./nowhere", 1, "--data", "nowhere"),
    ("data-unknown-name", TRAIN + "--data cifar99", 1, "--data", "cifar99"),
    ("data-text-file", TRAIN + "--data {file}", 1, "--data", "notes.txt"),
    ("data-empty-folder", TRAIN + "--data {dir}", 1, "--data", "empty"),
    ("target-without-translation", TRAIN + "--target {dir}", 1, "--target", "empty"),
    ("target-empty", TRAIN + "--target ''", 1, "--target", "''"),
    ("swap-domains-without-translation", TRAIN + "--swap-domains", 1, "--swap-domains"),
    ("image-size-zero", TRAIN + "--image-size 0", 2, "--image-size", "0"),
    ("image-size-huge", TRAIN + "--image-size 100000", 1, "--image-size", "100000"),
    ("samples-huge", TRAIN + "--samples 100000000", 1, "--samples", "100000000"),
    ("image-size-points", TRAIN + "--data ring --image-size 8", 1, "--data", "image_size"),
    (
        "batch-size-indivisible",
        TRAIN + "--batch-size 3 --d-steps 2",
        1,
        "--batch-size",
        "--d-steps",
        "3",
    ),
    ("conditional-yes-unlabelled", TRAIN + "--data ring --conditional yes", 1, "ring"),
    ("run-dir-is-file", TRAIN + "--run-dir {file}", 1, "notes.txt"),
    ("run-dir-holds-run", TRAIN + "--run-dir {run}", 1, "already holds a run"),
    ("run-dir-empty", TRAIN + "--run-dir ''", 1, "--run-dir", "''"),
    ("run-dir-under-file", TRAIN + "--run-dir {file}/run", 1, "--run-dir", "notes.txt"),
    ("resume-missing", "train --resume {tmp}/nowhere", 1, "--resume", "nowhere"),
    ("resume-file", "train --resume {file}", 1, "--resume", "notes.txt"),
    ("resume-not-a-run", "train --resume {dir}", 1, "empty", "config.json"),
    ("resume-empty", "train --resume ''", 2, "--resume", "''"),
    ("resume-epochs-zero", "train --resume {run} --epochs 0", 2, "--epochs"),
    ("resume-with-arch", "train --resume {run} --arch mlp", 1, "--arch", "cannot be changed"),
    (
        "pix2pix-missing-target",
        "train --arch pix2pix --data {dir} --target {tmp}/nowhere",
        1,
        "--target",
        "nowhere",
    ),
]

SAMPLE_CASES = [
    ("source-missing", "sample {tmp}/nowhere", 1, "RUN_OR_CHECKPOINT", "nowhere"),
    ("source-text-file", "sample {file}", 1, "RUN_OR_CHECKPOINT", "notes.txt"),
    ("source-empty-folder", "sample {dir}", 1, "empty", "checkpoint"),
    ("source-empty", "sample ''", 1, "RUN_OR_CHECKPOINT", "''"),
    ("checkpoint-choice", "sample {run} --checkpoint worst", 2, "--checkpoint"),
    ("n-zero", "sample {run} --n 0", 2, "--n", "0"),
    ("seed-negative", "sample {run} --seed -1", 2, "--seed", "-1"),
    ("seed-huge", "sample {run} --seed 99999999999999999999", 2, "--seed", "99999999999999999999"),
    ("truncation-zero", "sample {run} --truncation 0", 2, "--truncation", "0"),
    ("truncation-nan", "sample {run} --truncation nan", 2, "--truncation", "nan"),
    ("truncation-inf", "sample {run} --truncation inf", 2, "--truncation", "inf"),
    ("psi-nan", "sample {run} --truncation-psi nan", 2, "--truncation-psi", "nan"),
    ("psi-on-dcgan", "sample {run} --truncation-psi 0.7", 1, "--truncation-psi"),
    ("noise-choice", "sample {run} --noise fixed", 2, "--noise", "'fixed'"),
    ("noise-on-dcgan", "sample {run} --noise none", 1, "--noise", "GANModel"),
    (
        "noise-random-walk",
        "sample {run} --noise random --interpolate linear",
        1,
        "--noise",
        "--interpolate",
    ),
    ("standing-zero", "sample {run} --standing-statistics 0", 2, "--standing-statistics", "0"),
    ("standing-text", "evaluate {run} --standing-statistics x", 2, "--standing-statistics", "x"),
    ("labels-text", "sample {run} --labels a", 1, "--labels", "'a'"),
    ("labels-empty", "sample {run} --labels ''", 1, "--labels", "''"),
    ("labels-out-of-range", "sample {run} --labels 99", 1, "--labels", "99"),
    ("labels-negative", "sample {run} --labels=-1", 1, "--labels", "-1"),
    ("labels-reversed-range", "sample {run} --labels 3-1", 1, "--labels", "3-1"),
    ("labels-float", "sample {run} --labels 1.5", 1, "--labels", "1.5"),
    ("labels-huge-range", "sample {run} --labels 0-999999999", 1, "--labels"),
    ("labels-count", "sample {run} --labels 1,2,3", 1, "--labels", "3"),
    ("out-suffix", "sample {run} --out x.jpg", 1, "--out", "x.jpg"),
    ("out-missing-folder", "sample {run} --out no/x.png", 1, "--out", "no"),
    ("out-is-folder", "sample {run} --out {tmp}/grid.png", 1, "--out", "grid.png"),
    ("out-under-file", "sample {run} --out {file}/x.png", 1, "--out", "notes.txt"),
    ("out-empty", "sample {run} --out ''", 1, "--out", "''"),
    ("gif-without-walk", "sample {run} --out x.gif", 1, "--out", "--interpolate"),
    ("individual-is-file", "sample {run} --individual {file}", 1, "--individual"),
    ("individual-empty", "sample {run} --individual ''", 1, "--individual", "''"),
    ("rows-zero", "sample {run} --rows 0", 2, "--rows", "0"),
    ("rows-over-n", "sample {run} --n 4 --rows 9", 1, "--rows", "9"),
    ("scale-zero", "sample {run} --scale 0", 2, "--scale", "0"),
    ("scale-huge", "sample {run} --scale 100000", 1, "--scale", "100000"),
    ("n-huge", "sample {run} --n 100000000", 1, "--n", "100000000"),
    ("interpolate-choice", "sample {run} --interpolate cubic", 2, "--interpolate"),
    ("seeds-one", "sample {run} --interpolate linear --seeds 1", 1, "--seeds", "'1'"),
    ("seeds-text", "sample {run} --interpolate slerp --seeds a,b", 1, "--seeds", "'a,b'"),
    ("seeds-negative", "sample {run} --interpolate slerp --seeds=-1,2", 1, "--seeds", "-1"),
    (
        "seeds-huge",
        "sample {run} --interpolate slerp --seeds 0,99999999999999999999",
        1,
        "--seeds",
        "99999999999999999999",
    ),
    ("class-sweep-huge", "sample {run} --class-sweep 100000", 1, "--class-sweep 100000"),
    ("steps-huge", "sample {run} --interpolate linear --steps 100000000", 1, "--steps 100000000"),
    ("seeds-without-walk", "sample {run} --seeds 1,2", 1, "--seeds", "--interpolate"),
    ("steps-without-walk", "sample {run} --steps 4", 1, "--steps", "--interpolate"),
    ("rows-with-walk", "sample {run} --interpolate linear --rows 2", 1, "--rows", "--interpolate"),
    ("steps-zero", "sample {run} --interpolate linear --steps 0", 2, "--steps"),
    ("class-sweep-zero", "sample {run} --class-sweep 0", 2, "--class-sweep", "0"),
    (
        "class-sweep-with-walk",
        "sample {run} --class-sweep --interpolate linear",
        1,
        "--class-sweep",
        "--interpolate",
    ),
    (
        "class-sweep-with-individual",
        "sample {run} --class-sweep --individual {tmp}/each",
        1,
        "--class-sweep",
        "--individual",
    ),
]

EVALUATE_CASES = [
    ("metrics-unknown", EVALUATE + "--metrics fid,nope", 1, "--metrics", "'nope'"),
    ("metrics-empty", EVALUATE + "--metrics ''", 1, "--metrics", "''"),
    ("metrics-commas", EVALUATE + "--metrics ,", 1, "--metrics", "','"),
    ("n-zero", EVALUATE + "--n 0", 2, "--n", "0"),
    ("n-real-zero", EVALUATE + "--n-real 0", 2, "--n-real", "0"),
    ("n-one", EVALUATE + "--n 1", 1, "--n", "at least 2", "1"),
    ("n-real-one", EVALUATE + "--n-real 1", 1, "--n-real", "at least 2", "1"),
    ("n-too-few-for-pr", EVALUATE + "--metrics pr --n 5", 1, "--n", "at least 6", "5"),
    ("seed-huge", EVALUATE + "--seed 99999999999999999999", 2, "--seed", "99999999999999999999"),
    ("real-missing", EVALUATE + "--real ./nowhere.npz", 1, "--real", "nowhere"),
    ("real-unknown", EVALUATE + "--real cifar99", 1, "--real", "cifar99"),
    ("real-text-file", EVALUATE + "--real {file}", 1, "--real", "notes.txt"),
    ("real-empty", EVALUATE + "--real ''", 1, "--real", "''"),
    ("extractor-unknown", EVALUATE + "--extractor nope", 1, "--extractor", "nope"),
    ("extractor-empty", EVALUATE + "--extractor ''", 1, "--extractor", "''"),
    ("seed-negative", EVALUATE + "--seed -1", 2, "--seed", "-1"),
    ("batch-size-zero", EVALUATE + "--batch-size 0", 2, "--batch-size", "0"),
    ("kid-subsets-zero", EVALUATE + "--kid-subsets 0", 2, "--kid-subsets", "0"),
    ("kid-subset-size-zero", EVALUATE + "--kid-subset-size 0", 2, "--kid-subset-size", "0"),
    ("is-splits-zero", EVALUATE + "--is-splits 0", 2, "--is-splits", "0"),
    ("is-splits-over-n", EVALUATE + "--metrics is --is-splits 100", 1, "--is-splits", "100"),
    (
        "is-without-classifier",
        EVALUATE + "--metrics is --extractor none",
        1,
        "--metrics is",
        "--extractor none",
    ),
    ("json-missing-folder", EVALUATE + "--json no/r.json", 1, "--json", "no"),
    ("json-is-folder", EVALUATE + "--json {dir}", 1, "--json", "empty"),
    ("json-empty", EVALUATE + "--json ''", 1, "--json", "''"),
    ("checkpoint-choice", EVALUATE + "--checkpoint worst", 2, "--checkpoint", "'worst'"),
    ("noise-choice", EVALUATE + "--noise fixed", 2, "--noise", "'fixed'"),
    ("noise-on-dcgan", EVALUATE + "--noise random", 1, "--noise", "GANModel"),
    ("source-missing", "evaluate {tmp}/nowhere", 1, "RUN_OR_CHECKPOINT", "nowhere"),
]

EXPORT_CASES = [
    ("format-missing", "export {run}", 2, "--format"),
    ("format-empty", "export {run} --format ''", 1, "--format", "''"),
    ("format-unknown", "export {run} --format coreml", 1, "--format", "'coreml'"),
    ("quantize-onnx", "export {run} --format onnx --quantize int8", 1, "--quantize", "int8"),
    ("quantize-choice", "export {run} --format tflite --quantize int4", 2, "--quantize", "'int4'"),
    ("output-choice", "export {run} --format onnx --output int16", 2, "--output"),
    ("out-missing-folder", "export {run} --format onnx --out no/g.onnx", 1, "--out", "no"),
    ("out-under-file", "export {run} --format onnx --out {file}/g.onnx", 1, "--out", "notes.txt"),
    ("out-empty", "export {run} --format onnx --out ''", 1, "--out", "''"),
    ("out-is-folder", "export {run} --format onnx --out {dir}", 1, "--out", "writes a file"),
    ("out-existing-file", "export {run} --format onnx --out {file}", 1, "--out", "notes.txt"),
    ("batch-size-zero", "export {run} --format onnx --batch-size 0", 2, "--batch-size", "0"),
    ("direction-on-dcgan", "export {run} --format onnx --direction a2b", 1, "--direction", "a2b"),
    ("psi-nan", "export {run} --format onnx --truncation-psi nan", 2, "--truncation-psi", "nan"),
    (
        "psi-on-dcgan",
        "export {run} --format onnx --truncation-psi 0.7",
        1,
        "--truncation-psi",
        "0.7",
    ),
    ("noise-inputs-on-dcgan", "export {run} --format onnx --noise-inputs", 1, "--noise-inputs"),
    ("source-missing", "export {tmp}/nowhere --format onnx", 1, "nowhere"),
    ("checkpoint-choice", "export {run} --format onnx --checkpoint worst", 2, "--checkpoint"),
]

TRANSLATE_CASES = [
    ("input-missing-flag", "translate {run} --out {tmp}/o", 2, "--input"),
    ("input-missing", "translate {run} --input nowhere --out o", 1, "--input", "nowhere"),
    ("input-file", "translate {run} --input {file} --out o", 1, "--input", "notes.txt"),
    ("input-empty", "translate {run} --input '' --out o", 1, "--input", "''"),
    ("out-file", "translate {run} --input {dir} --out {file}", 1, "--out", "notes.txt"),
    ("out-empty", "translate {run} --input {dir} --out ''", 1, "--out", "''"),
    ("out-is-input", "translate {run} --input {dir} --out {dir}", 1, "--out", "--input"),
    (
        "batch-size-zero",
        "translate {run} --input {dir} --out o --batch-size 0",
        2,
        "--batch-size",
        "0",
    ),
    (
        "direction-choice",
        "translate {run} --input {dir} --out o --direction c2d",
        2,
        "--direction",
        "'c2d'",
    ),
    ("not-a-translation-run", "translate {run} --input {dir} --out o", 1, "does not translate"),
]

OTHER_CASES = [
    ("no-command", "", 2, "COMMAND"),
    ("command-unknown", "nope", 2, "'nope'"),
    ("value", "list --verbose=1", 2, "--verbose"),
    ("unknown-flag", "list --nope", 2, "--nope"),
    ("unknown-flag", "train --learning-rate 1", 2, "--learning-rate"),
]


def _rows(command, rows):
    return [
        pytest.param(argv, code, needles, id=f"{command}-{name}")
        for name, argv, code, *needles in rows
    ]


CASES = (
    _rows("train", TRAIN_CASES)
    + _rows("sample", SAMPLE_CASES)
    + _rows("evaluate", EVALUATE_CASES)
    + _rows("export", EXPORT_CASES)
    + _rows("translate", TRANSLATE_CASES)
    + _rows("cli", OTHER_CASES)
)


def _snapshot(*roots):
    """Every file and folder under `roots` with its size and modification time."""
    seen = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                stat = os.lstat(os.path.join(folder, name))
                seen[os.path.join(folder, name)] = (stat.st_size, stat.st_mtime_ns)
    return seen


@pytest.fixture(scope="module", autouse=True)
def _load_each_checkpoint_once():
    """Rows that get as far as loading the shared checkpoint share one loaded model (each
    fails before using it), which keeps this file fast."""
    import functools

    import keras_gans

    cached = functools.lru_cache(maxsize=4)(keras_gans.load_model)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keras_gans, "load_model", lambda path, *a, **k: cached(str(path), *a, **k))
        yield


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    (tmp_path / "notes.txt").write_text("not data\n")
    (tmp_path / "empty").mkdir()
    (tmp_path / "grid.png").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("argv", "code", "needles"), CASES)
def test_a_bad_flag_is_one_line_naming_it_and_writes_nothing(
    argv, code, needles, workspace, trained_run, capsys
):
    places = {
        "run": str(trained_run),
        "file": str(workspace / "notes.txt"),
        "dir": str(workspace / "empty"),
        "tmp": str(workspace),
    }
    argv = [part.format(**places) for part in shlex.split(argv)]
    before = _snapshot(workspace, trained_run)
    try:
        status = keras_gans_cli.main(argv)
    except SystemExit as exit_:
        status = exit_.code
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    report = f"status {status}; stderr {captured.err!r}; stdout {captured.out[-200:]!r}"
    assert len(lines) == 1, report
    line = lines[0]
    assert "Traceback" not in line and "(--debug: traceback)" not in line, line
    assert status == code, report
    for needle in needles:
        assert needle in line, (needle, line)
    assert not (workspace / "new-run").exists()
    assert _snapshot(workspace, trained_run) == before, line
