"""Exporting an SGCN checkpoint to ``.npz``: the arrays round-trip, equal weights give equal
bytes, and the command line ends bad input with one line (PyTorch)."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from graph.export_numpy import export
from graph.model import SGCN
from graph.sgcn_numpy import load_weights

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def saved_model(path: Path, seed: int = 0) -> dict[str, torch.Tensor]:
    """Save a random SGCN's state dict as DataParallel did; returns it without the prefix."""
    torch.manual_seed(seed)
    state = SGCN().state_dict()
    torch.save({f"module.{k}": v for k, v in state.items()}, path)
    return state


def test_export_round_trips_every_array_and_is_reproducible(tmp_path):
    state = saved_model(tmp_path / "epoch5_model.pt")
    export(tmp_path / "epoch5_model.pt", tmp_path / "out" / "a.npz")
    loaded = load_weights(tmp_path / "out" / "a.npz", fix="unused")
    assert set(loaded) == set(state)
    for key, value in state.items():
        assert loaded[key].dtype == value.numpy().dtype, key
        np.testing.assert_array_equal(loaded[key], value.numpy(), err_msg=key)
    export(tmp_path / "epoch5_model.pt", tmp_path / "b.npz")
    assert (tmp_path / "b.npz").read_bytes() == (tmp_path / "out" / "a.npz").read_bytes()
    saved_model(tmp_path / "other.pt", seed=1)
    export(tmp_path / "other.pt", tmp_path / "c.npz")
    assert (tmp_path / "c.npz").read_bytes() != (tmp_path / "b.npz").read_bytes()


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph.export_numpy", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True)


def test_command_line_writes_the_file_or_fails_in_one_line(tmp_path):
    saved_model(tmp_path / "w.pt")
    done = run_cli(tmp_path / "w.pt", tmp_path / "w.npz")
    assert done.returncode == 0 and "14 arrays" in done.stdout
    assert len(load_weights(tmp_path / "w.npz", fix="unused")) == 14
    state = torch.load(tmp_path / "w.pt", weights_only=True)
    state["module.data_bn.running_var"][0] = float("inf")
    torch.save(state, tmp_path / "inf.pt")
    (tmp_path / "garbage.pt").write_bytes(b"garbage")
    for name, words in (("none.pt", "none.pt not found"), ("garbage.pt", "not a readable torch"),
                        ("inf.pt", "NaN, infinite or not numbers: data_bn.running_var")):
        done = run_cli(tmp_path / name, tmp_path / "out.npz")
        assert done.returncode == 1 and not (tmp_path / "out.npz").exists()
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], lines
