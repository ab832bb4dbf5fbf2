"""The three train_PoseTrack_COCO_17_*.py scripts through their command line: numbers, folders
and files checked before TensorFlow is imported; a damaged --init-weights is one line."""
import pytest

from lib.outputs import OutputLock
from lib.training.tiny import write_tiny_coco
from tests.scripts.run import assert_one_line, run

SCRIPTS = ["train_PoseTrack_COCO_17_mobile_deconv.py", "train_PoseTrack_COCO_17_CPN101.py",
           "train_PoseTrack_COCO_17_MSRA152.py"]


@pytest.fixture(scope="module")
def coco(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny_coco")
    write_tiny_coco(root, {"train": 3, "val": 1}, seed=1)
    return root


def train(script, coco, output, *extra):
    return run(script, "--coco-root", coco, "--output-dir", output, "-d", "", *extra)


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("extra, words", [
    (["--max-iter", "0"], ["--max-iter", ">= 1"]), (["--batch-size", "0"], ["--batch-size", ">= 1"]),
    (["--epoch-size", "-2"], ["--epoch-size", ">= 1"]), (["--val-every", "0"], ["--val-every"]),
    (["--seed", "-1"], ["--seed", ">= 0"]),
])
def test_bad_numbers_are_refused_by_the_parser(coco, tmp_path, script, extra, words):
    assert_one_line(train(script, coco, tmp_path / "out", *extra), 2, *words)


@pytest.mark.parametrize("script", SCRIPTS)
def test_bad_folders_and_files_are_named_before_tensorflow(coco, tmp_path, script):
    (tmp_path / "a_file").write_text("")
    cases = [([], tmp_path / "a_file", "is a file"),
             (["--init-weights", tmp_path / "none.ckpt"], tmp_path / "out", "--init-weights"),
             (["-d", "x"], tmp_path / "out", "GPU ids"),
             (["--coco-root", tmp_path / "no_coco"], tmp_path / "out", "no_coco")]
    for extra, output, word in cases:
        proc = train(script, coco, output, *extra)
        assert_one_line(proc, 1, "error:", word)
    (tmp_path / "out").mkdir(exist_ok=True)
    with OutputLock(str(tmp_path / "out")):
        assert_one_line(train(script, coco, tmp_path / "out"), 1, "another run is writing")


def test_damaged_init_weights_are_one_line(coco, tmp_path):
    (tmp_path / "junk.ckpt.index").write_bytes(b"not a checkpoint index" * 10)
    script = SCRIPTS[0]
    proc = train(script, coco, tmp_path / "out", "--init-weights", tmp_path / "junk.ckpt",
                 "--max-iter", "1")
    assert_one_line(proc, 1, "--init-weights", "junk.ckpt", "not a readable TF checkpoint",
                    progress_log=True)
