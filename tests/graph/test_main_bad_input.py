"""graph/main.py through its command line: out-of-range or non-finite config values, an
unknown device, a non-UTF-8 config, a damaged resume state, a locked or full work folder."""
import numpy as np
import pytest

from graph.pairs import save_pairs
from lib.outputs import OutputLock
from tests.scripts.run import assert_one_line, file_size_limit, run

MAIN = ["-m", "graph.main", "processor_siamese_gcn"]


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    path = tmp_path_factory.mktemp("pairs") / "pairs.npz"
    rng = np.random.default_rng(0)
    graphs = rng.integers(-100, 100, size=(16, 2, 2, 1, 15, 1)).astype(np.float32)
    labels = np.arange(16) % 2
    save_pairs(path, graphs, labels)
    return path


def train(pairs, work_dir, *extra, **kwargs):
    return run(*MAIN, "--train_pairs", pairs, "--test_pairs", pairs, "--work_dir", work_dir,
               "--device", "cpu", "--batch_size", "8", *extra, **kwargs)


@pytest.mark.parametrize("extra, words", [
    (["--batch_size", "-4"], ["batch_size must be >= 1, got -4"]),
    (["--num_epoch", "0"], ["num_epoch must be >= 1"]),
    (["--max_iter", "0"], ["max_iter must be >= 1"]),
    (["--base_lr", "nan"], ["base_lr", "finite"]),
    (["--margin", "-1"], ["margin", ">= 0"]),
    (["--device", "tpu"], ["device 'tpu'"]),
])
def test_bad_values_are_one_line_before_torch(pairs, tmp_path, extra, words):
    proc = train(pairs, tmp_path / "work", *extra)
    assert_one_line(proc, 1, "error:", *words)
    assert not (tmp_path / "work").exists()


def test_bad_config_files(pairs, tmp_path):
    (tmp_path / "latin1.yaml").write_bytes("work_dir: caf\xe9\n".encode("latin-1"))
    assert_one_line(train(pairs, tmp_path / "w", "-c", tmp_path / "latin1.yaml"), 1,
                    "latin1.yaml", "not UTF-8")
    assert_one_line(train(pairs, tmp_path / "w", "-c", tmp_path / "none.yaml"), 1, "none.yaml")
    (tmp_path / "a_file").write_text("")
    assert_one_line(train(pairs, tmp_path / "a_file"), 1, "work_dir", "is a file")


def test_damaged_resume_state_and_lock(pairs, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "train_state.pt").write_bytes(b"\x00garbage" * 50)
    assert_one_line(train(pairs, work, "--resume"), 1, "train_state.pt",
                    "not a training state", progress_log=True)
    with OutputLock(str(work)):
        assert_one_line(train(pairs, work), 1, "another run is writing")


def test_full_disk_names_the_checkpoint(pairs, tmp_path):
    work = tmp_path / "work"
    proc = train(pairs, work, "--max_iter", "1", preexec_fn=file_size_limit(20000))
    assert_one_line(proc, 1, "cannot write", "epoch1_model.pt", "File too large", progress_log=True)
    assert not [p for p in work.iterdir() if ".partial" in p.name or p.name == ".lock"]
