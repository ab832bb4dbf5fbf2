"""graph/main.py (the published command, through python -m graph.cli) end to end: a smoke training run with --max_iter, resume, and bad input."""
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from graph.pairs import save_pairs
from graph.train_config import TrainConfig
from lib.errors import LightTrackError

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def train(*args, cwd):
    return subprocess.run([sys.executable, str(ROOT / "graph" / "main.py"),
                           "processor_siamese_gcn", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.fixture
def pair_file(tmp_path):
    rng = np.random.default_rng(0)
    graphs = rng.integers(-100, 100, size=(80, 2, 2, 1, 15, 1)).astype(np.float32)
    labels = np.arange(80) % 2
    graphs[labels == 1, 1] = graphs[labels == 1, 0]
    save_pairs(tmp_path / "pairs.npz", graphs, labels)
    return tmp_path / "pairs.npz"


def test_smoke_run_then_resume(tmp_path, pair_file):
    common = ["-c", str(ROOT / "graph" / "config" / "train.yaml"), "--train_pairs",
              str(pair_file), "--test_pairs", str(pair_file), "--work_dir", "run",
              "--batch_size", "8", "--device", "cpu"]
    first = train(*common, "--max_iter", "3", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "test accuracy" in first.stdout and "ROC AUC" in first.stdout
    assert (tmp_path / "run" / "epoch1_model.pt").is_file()
    assert (tmp_path / "run" / "train_state.pt").is_file()
    second = train(*common, "--num_epoch", "2", "--resume", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "epoch 2 " in second.stderr and "epoch 1 " not in second.stderr
    assert (tmp_path / "run" / "epoch2_model.pt").is_file()


def test_bad_config_is_one_line_and_exit_1(tmp_path):
    (tmp_path / "bad.yaml").write_text("epochs: 3\n")
    run = train("-c", "bad.yaml", cwd=tmp_path)
    assert run.returncode == 1 and run.stderr.count("\n") == 1
    assert "unknown config key(s) epochs" in run.stderr


def test_missing_pairs_or_state_is_a_clear_error(tmp_path, pair_file):
    from graph.training import train as train_in_process  # torch, already imported by now
    config = TrainConfig(train_pairs=str(pair_file), test_pairs=str(pair_file),
                         work_dir=str(tmp_path / "run"), device="cpu")
    with pytest.raises(LightTrackError, match="nothing to resume"):
        train_in_process(replace(config, resume=True))
    with pytest.raises(LightTrackError, match="missing.npz is not a pair file"):
        train_in_process(replace(config, train_pairs="missing.npz"))
