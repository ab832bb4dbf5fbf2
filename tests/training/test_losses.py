"""Training losses (SPEC §3.7) and the TF1 Adam against numpy references."""
import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from pose_training import losses  # noqa: E402
from pose_training.adam import Adam  # noqa: E402

pytestmark = pytest.mark.slow


def test_deconv_loss_zeroes_the_targets_of_unlabelled_joints():
    rng = np.random.default_rng(0)
    pred, label = rng.random((2, 4, 3, 15)), rng.random((2, 4, 3, 15))
    valid = np.full((2, 15), 2.0)
    valid[0, 3], valid[1, 7] = 0, 0.05
    target = label * (valid > 0.1)[:, None, None, :]
    expected = np.mean((pred - target) ** 2)
    assert float(losses.deconv_loss(pred, label, valid)) == pytest.approx(expected, rel=1e-6)


def test_cpn_losses_global_visible_only_and_refine_top7():
    rng = np.random.default_rng(1)
    outs = [rng.random((2, 4, 3, 15), np.float32) for _ in range(4)]
    labels = [rng.random((2, 4, 3, 15), np.float32) for _ in range(4)]
    refine = rng.random((2, 4, 3, 15), np.float32)
    valid = rng.choice(np.float32([0, 1, 1.5, 2]), (2, 15))
    global_loss, refine_loss = losses.cpn_losses(outs, refine, labels, valid)
    visible = (valid > 1.1)[:, None, None, :]
    expected_global = sum(np.mean((o - l * visible) ** 2) for o, l in zip(outs, labels)) / 4
    per_joint = np.mean((refine - labels[3]) ** 2, axis=(1, 2)) * (valid > 0.1)
    expected_refine = np.mean([np.sort(row)[-7:].sum() / 7 for row in per_joint])
    assert float(global_loss) == pytest.approx(expected_global, rel=1e-6)
    assert float(refine_loss) == pytest.approx(expected_refine, rel=1e-6)


def test_l2_covers_convolution_kernels_only():
    weights = {"a/weights": tf.constant([[1.0, 2.0]]), "b/depthwise_weights": tf.constant([3.0]),
               "a/biases": tf.constant([10.0]), "a/BatchNorm/gamma": tf.constant([10.0])}
    assert float(losses.l2_regularisation(weights, 1e-5)) == pytest.approx(1e-5 * 14 / 2)


def test_adam_matches_the_tf1_update_and_names_its_slots():
    variables = {"w/weights": tf.Variable([1.0, -2.0]),
                 "w/BatchNorm/moving_mean": tf.Variable([0.0], trainable=False)}
    adam = Adam(variables)
    assert sorted(adam.slots) == sorted(Adam.slot_names(["w/weights"]))
    w, m, v = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
    for t, grad in enumerate([np.array([0.5, -1.0]), np.array([0.1, 0.3])], 1):
        adam.apply(variables, {"w/weights": tf.constant(grad, tf.float32)}, 0.01)
        m, v = 0.9 * m + 0.1 * grad, 0.999 * v + 0.001 * grad ** 2
        w = w - 0.01 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t) * m / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(variables["w/weights"].numpy(), w, rtol=1e-5)
    np.testing.assert_allclose(adam.slots["w/weights/Adam_1"].numpy(), v, rtol=1e-5)
    assert float(adam.slots["beta1_power"]) == pytest.approx(0.9 ** 3)
