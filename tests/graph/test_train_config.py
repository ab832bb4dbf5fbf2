"""Training config: published defaults, YAML loading, rejection of bad keys, overrides."""
import argparse
from pathlib import Path

import numpy as np
import pytest

from graph.train_config import TrainConfig, add_override_args, load_config
from lib.errors import LightTrackError

ROOT = Path(__file__).resolve().parents[2]


def test_published_defaults():
    c = TrainConfig()
    assert (c.batch_size, c.base_lr, c.step, c.num_epoch) == (32, 0.01, (40, 60, 100, 150), 300)
    assert (c.momentum, c.nesterov, c.weight_decay, c.margin) == (0.9, True, 1e-4, 1.0)
    assert (c.match_thresh, c.save_interval) == (0.2, 10)
    assert load_config(ROOT / "graph" / "config" / "train.yaml") == TrainConfig()


def test_learning_rate_drops_tenfold_at_each_step():
    c = TrainConfig()
    rates = [c.learning_rate(e) for e in (0, 39, 40, 59, 60, 100, 150, 299)]
    np.testing.assert_allclose(rates, [1e-2, 1e-2, 1e-3, 1e-3, 1e-4, 1e-5, 1e-6, 1e-6])


def test_yaml_then_overrides(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("num_epoch: 7\nbase_lr: 1\nstep: [2]\n")
    c = load_config(path, num_epoch=3, device=None)
    assert (c.num_epoch, c.base_lr, c.step, c.device) == (3, 1.0, (2,), "auto")


@pytest.mark.parametrize("text, message", [
    ("num_epochs: 3\n", "unknown config key"), ("num_epoch: 3.5\n", "'num_epoch' must be int"),
    ("nesterov: 1\n", "'nesterov' must be bool"), ("step: 40\n", "'step'"),
    ("- a\n", "mapping"), ("a: [\n", "not valid YAML")])
def test_bad_yaml_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(LightTrackError, match=message):
        load_config(path)


def test_every_field_has_a_command_line_flag():
    parser = argparse.ArgumentParser()
    add_override_args(parser)
    args = parser.parse_args(["--num_epoch", "2", "--base_lr", "0.5", "--batch_size", "4",
                              "--work_dir", "w", "--device", "cpu", "--max_iter", "3",
                              "--no-nesterov", "--resume", "--step", "1", "2"])
    c = load_config(None, **vars(args))
    assert (c.num_epoch, c.base_lr, c.batch_size, c.work_dir, c.device, c.max_iter) == \
        (2, 0.5, 4, "w", "cpu", 3)
    assert (c.nesterov, c.resume, c.step) == (False, True, (1, 2))
    assert load_config(None, **vars(parser.parse_args([]))) == TrainConfig()

