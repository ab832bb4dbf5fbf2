"""The shared trainer on the tiny stick-figure set, on the CPU: loss, snapshots, resume, the
snapshot in the run-time estimator, and CPN101's training losses (SPEC §3.7)."""
import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from lib.training.datasets import load_datasets  # noqa: E402
from lib.training.tiny import write_tiny_coco  # noqa: E402
from pose_training.snapshots import latest_snapshot  # noqa: E402
from pose_training.trainer import PoseTrainer, TrainConfig  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny_coco")
    write_tiny_coco(root, {"train": 3, "val": 1}, seed=1)
    return load_datasets(coco_root=root)


@pytest.fixture(scope="module")
def trained(tiny, tmp_path_factory):
    """mobile_deconv trained 2 iterations (1 person × 4 samples each), epoch = 1 iteration,
    learning rate halved every epoch."""
    out = tmp_path_factory.mktemp("mobile")
    config = TrainConfig(network="mobile_deconv", output_dir=out, batch_size=4, max_iter=2,
                         epoch_size=1, lr_decay_epochs=1, val_samples=2, val_every=2,
                         keep_snapshots=1)
    trainer = PoseTrainer(config, *tiny)
    trainer.run()
    return trainer, config


def test_training_lowers_the_loss_on_a_fixed_batch(trained):
    trainer, _ = trained
    batch = next(trainer.dataset())
    lr = tf.constant(1e-4)  # near random weights; rates of 3e-3 and more kill the ReLUs
    losses = [float(trainer._step(batch, lr)["loss"]) for _ in range(6)]  # each before its step
    assert np.all(np.diff(losses) < 0), losses


def test_snapshot_written_and_resumed_with_the_same_schedule(trained, tiny):
    trainer, config = trained
    prefix, iteration = latest_snapshot(config.output_dir)
    assert iteration == 2 and prefix.endswith("snapshot_2.ckpt")
    assert not list(config.output_dir.glob("snapshot_1.ckpt*"))  # keep_snapshots=1
    reader = tf.train.load_checkpoint(prefix)
    assert reader.get_tensor("global_step") == 2
    assert reader.has_tensor("out/weights/Adam") and reader.has_tensor("beta2_power")
    resumed = PoseTrainer(TrainConfig(**{**config.__dict__, "max_iter": 3}), *tiny,
                          resume=True)
    assert resumed.iteration == 2
    assert resumed.learning_rate(resumed.iteration) == pytest.approx(5e-4 * 0.5 ** 2)
    np.testing.assert_array_equal(resumed.net.weights["out/biases"].numpy(),
                                  reader.get_tensor("out/biases"))
    assert resumed.run() == 3
    assert latest_snapshot(config.output_dir)[1] == 3


def test_snapshot_runs_in_the_estimator(trained, tiny):
    from network_mobile_deconv import MobileDeconvEstimator
    _, config = trained
    estimator = MobileDeconvEstimator.from_options(weights_path=latest_snapshot(
        config.output_dir)[0])
    crops = np.zeros((2, 384, 288, 3), np.float32)
    assert estimator.heatmaps(crops).shape == (2, 96, 72, 15)
    keypoints = estimator.estimate(np.zeros((120, 160, 3), np.uint8), [[10, 10, 80, 110]])
    assert keypoints.shape == (1, 15, 3)


def test_tensorboard_scalars_written(trained):
    _, config = trained
    tags = {value.tag for path in (config.output_dir / "logs").glob("events.*")
            for event in tf.compat.v1.train.summary_iterator(str(path))
            for value in event.summary.value}
    assert {"loss", "learning_rate", "val_pckh"} <= tags


def test_cpn101_training_losses_and_batch_norm_statistics(tmp_path):
    trainer = PoseTrainer(TrainConfig(network="cpn101", output_dir=tmp_path), [], [])
    assert len(trainer.kernels) == 4
    mean = trainer.net.weights["refine_out/BatchNorm/moving_mean"]
    before = mean.numpy().copy()
    labels = tf.random.uniform([2, 4, 16, 16, 15], 0, 255, seed=1)
    valid = tf.constant(np.tile([0.0, 1.0, 2.0], (2, 5)), tf.float32)
    terms = trainer._losses(tf.random.normal([2, 64, 64, 3], seed=2), labels, valid)
    assert float(terms["loss"]) == pytest.approx(
        float(terms["global_loss"]) + float(terms["refine_loss"]))
    assert float(terms["total"]) > float(terms["loss"]) > 0
    assert not np.array_equal(mean.numpy(), before)  # batch norm ran in training mode
