"""The TF2 pose networks against an independent TF1 graph-mode reference (SPEC §3.3-3.5).

For each network a TF1 graph is built here from the SPEC alone (``tf.compat.v1`` variables with
the published names, raw ``tf.nn`` ops), filled with random values, saved with TF1's ``Saver``
and evaluated; the TF2 network must load that checkpoint with no missing or unexpected variable
and reproduce its heat-maps. The ResNets run on a 96×64 input (they are fully convolutional).
"""
import shutil

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from lib.errors import LightTrackError  # noqa: E402
from network_CPN101 import CPN101Estimator, CPN101Net  # noqa: E402
from network_mobile_deconv import MobileDeconvEstimator, MobileDeconvNet  # noqa: E402
from network_MSRA152 import MSRA152Net  # noqa: E402
from pose_nets.checkpoint import read_checkpoint, save_checkpoint  # noqa: E402
from pose_nets.layers import PoseNet  # noqa: E402

pytestmark = pytest.mark.slow
v1 = tf.compat.v1
EPS = 1.001e-5


class Reference:
    """TF1 graph-mode forward passes written from SPEC §3.3-3.4; variables named as in §3.5."""

    def get(self, name, shape):
        leaf = name.rsplit("/", 1)[-1]
        if leaf in ("gamma", "moving_variance"):
            init = v1.random_uniform_initializer(0.5, 1.5)
        elif leaf in ("beta", "moving_mean", "biases"):
            init = v1.random_normal_initializer(stddev=0.1)
        else:
            init = v1.random_normal_initializer(stddev=float(np.sqrt(1 / np.prod(shape[:3]))))
        return v1.get_variable(name, shape, initializer=init)

    def bn(self, x, scope):
        g, b, m, v = (self.get(f"{scope}/BatchNorm/{n}", [x.shape[-1]]) for n in
                      ("gamma", "beta", "moving_mean", "moving_variance"))
        return tf.nn.batch_normalization(x, m, v, b, g, EPS)

    def conv(self, x, scope, depth, k, stride=1, padding="SAME", bn=True, relu=True):
        x = tf.nn.conv2d(x, self.get(f"{scope}/weights", [k, k, x.shape[-1], depth]),
                         [1, stride, stride, 1], padding)
        x = self.bn(x, scope) if bn else x + self.get(f"{scope}/biases", [depth])
        return tf.nn.relu(x) if relu else x

    def unit(self, x, scope, depth, stride):
        if x.shape[-1] == depth:
            short = x
        else:
            short = self.conv(x, f"{scope}/shortcut", depth, 1, stride, relu=False)
        r = self.conv(x, f"{scope}/conv1", depth // 4 if "block" in scope else 128, 1)
        if stride == 2:
            r = tf.pad(r, [[0, 0], [1, 1], [1, 1], [0, 0]])
            r = self.conv(r, f"{scope}/conv2", r.shape[-1], 3, 2, "VALID")
        else:
            r = self.conv(r, f"{scope}/conv2", r.shape[-1], 3)
        return tf.nn.relu(short + self.conv(r, f"{scope}/conv3", depth, 1, relu=False))

    def resnet(self, x, scope, units):
        x = tf.pad(x, [[0, 0], [3, 3], [3, 3], [0, 0]])
        x = self.conv(x, f"{scope}/conv1", 64, 7, 2, "VALID")
        x = tf.nn.max_pool(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]), 3, 2, "VALID")
        outs = []
        for b, (n, depth) in enumerate(zip(units, [256, 512, 1024, 2048])):
            for u in range(n):
                stride = 2 if b > 0 and u == 0 else 1
                x = self.unit(x, f"{scope}/block{b + 1}/unit_{u + 1}/bottleneck_v1", depth, stride)
            outs.append(x)
        return outs

    def mobilenet(self, x):
        x = self.conv(x, "MobilenetV1/Conv2d_0", 32, 3, 2, bn=False)
        spec = [(1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512)] + [(1, 512)] * 5 + \
            [(2, 1024), (1, 1024)]
        for i, (stride, depth) in enumerate(spec):
            scope = f"MobilenetV1/Conv2d_{i + 1}"
            w = self.get(f"{scope}_depthwise/depthwise_weights", [3, 3, x.shape[-1], 1])
            x = tf.nn.depthwise_conv2d(x, w, [1, stride, stride, 1], "SAME")
            x = tf.nn.relu(x + self.get(f"{scope}_depthwise/biases", [x.shape[-1]]))
            x = self.conv(x, f"{scope}_pointwise", depth, 1, bn=False)
        return x

    def deconv_head(self, x):
        for i in (1, 2, 3):
            n, h, w, c = x.shape
            x = tf.nn.conv2d_transpose(x, self.get(f"up{i}/weights", [4, 4, 256, c]),
                                       [n, 2 * h, 2 * w, 256], [1, 2, 2, 1], "SAME")
            x = tf.nn.relu(x + self.get(f"up{i}/biases", [256]))
        return self.conv(x, "out", 15, 1, bn=False, relu=False)

    def cpn(self, x):
        blocks = self.resnet(x, "resnet_v1_101", (3, 4, 23, 3))
        size = blocks[0].shape[1:3]
        fms, last = [], None
        for i, block in enumerate(reversed(blocks)):
            lateral = self.conv(block, f"lateral/res{5 - i}", 256, 1)
            if last is None:
                last = lateral
            else:
                up = v1.image.resize_bilinear(last, lateral.shape[1:3])
                last = self.conv(up, f"merge/res{5 - i}", 256, 1, bn=False, relu=False) + lateral
            tmp = self.conv(last, f"tmp/res{5 - i}", 256, 1)
            self.conv(tmp, f"pyramid/res{5 - i}", 15, 3, relu=False)
            fms.append(last)
        levels = []
        for i, fm in enumerate(reversed(fms)):
            for j in range(i):
                fm = self.unit(fm, f"res{2 + i}/refine_conv{j}", 256, 1)
            levels.append(v1.image.resize_bilinear(fm, size))
        x = self.unit(tf.concat(levels, 3), "final_bottleneck", 256, 1)
        return self.conv(x, "refine_out", 15, 3, relu=False)


BUILDERS = {
    "msra152": lambda r, x: r.deconv_head(r.resnet(x, "resnet_v1_152", (3, 8, 36, 3))[-1]),
    "cpn101": lambda r, x: r.cpn(x),
    "mobile_deconv": lambda r, x: r.deconv_head(r.mobilenet(x)),
}
INPUT_SHAPES = {"msra152": (1, 96, 64, 3), "cpn101": (1, 96, 64, 3),
                "mobile_deconv": (2, 384, 288, 3)}
OPTIMISER_EXTRAS = ["beta1_power", "beta2_power", "Variable", "global_step"]


def write_reference(name, prefix, seed=0):
    """Build, fill, save (TF1 Saver) and run the reference -> (input, heat-maps)."""
    images = np.random.default_rng(seed).uniform(-0.5, 0.5, INPUT_SHAPES[name]).astype(np.float32)
    with tf.Graph().as_default() as graph:
        v1.set_random_seed(seed)
        x = v1.placeholder(tf.float32, INPUT_SHAPES[name])
        heatmaps = BUILDERS[name](Reference(), x)
        model_vars = v1.global_variables()
        extras = [v1.get_variable(n, [], initializer=v1.zeros_initializer())
                  for n in OPTIMISER_EXTRAS]
        extras += [v1.get_variable(f"{model_vars[0].op.name}/{slot}", model_vars[0].shape)
                   for slot in ("Adam", "Adam_1")]
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            v1.train.Saver(model_vars + extras).save(sess, prefix, write_meta_graph=False)
            return images, sess.run(heatmaps, {x: images})


@pytest.fixture(scope="module", params=list(BUILDERS))
def reference(request, tmp_path_factory):
    """(network name, checkpoint prefix, input, reference heat-maps); ~280 MB for msra152,
    deleted before the next network's is written."""
    folder = tmp_path_factory.mktemp(request.param)
    prefix = str(folder / "snapshot.ckpt")
    images, heatmaps = write_reference(request.param, prefix)
    yield request.param, prefix, images, heatmaps
    shutil.rmtree(folder)


NETS = {"msra152": MSRA152Net, "cpn101": CPN101Net, "mobile_deconv": MobileDeconvNet}


def test_published_checkpoint_layout_loads_and_reproduces_reference(reference):
    name, prefix, images, expected = reference
    cls = NETS[name]
    values = read_checkpoint(prefix, cls.variable_shapes())  # raises on any name mismatch
    if name == "mobile_deconv":   # the estimator's fixed-signature tf.function
        actual = MobileDeconvEstimator(cls(values))._predict(images)
    else:
        actual = cls(values)(tf.constant(images)).numpy()
    batch, height, width, _ = images.shape
    assert actual.shape == expected.shape == (batch, height // 4, width // 4, 15)
    scale = np.abs(expected).max()  # equal to 1e-4 of the largest heat-map value
    np.testing.assert_allclose(actual / scale, expected / scale, atol=1e-4)


@pytest.fixture(scope="module")
def mobile_values():
    return {name: v.numpy() for name, v in MobileDeconvNet(seed=1).weights.items()}


def test_saved_checkpoint_reads_back_by_name_also_in_tf1(mobile_values, tmp_path):
    prefix = save_checkpoint(mobile_values, tmp_path / "mine.ckpt")
    values = read_checkpoint(prefix + ".index", MobileDeconvNet.variable_shapes())
    for name, value in mobile_values.items():
        np.testing.assert_array_equal(values[name], value)
    with tf.Graph().as_default(), v1.Session() as sess:
        var = v1.get_variable("out/biases", [15])
        v1.train.Saver([var]).restore(sess, prefix)
        np.testing.assert_array_equal(sess.run(var), mobile_values["out/biases"])


def test_mismatched_checkpoint_names_every_difference(mobile_values, tmp_path):
    values = dict(mobile_values)
    del values["up2/biases"]
    values["extra/weights"] = np.zeros((3, 3), np.float32)
    values["out/biases"] = np.zeros(17, np.float32)
    prefix = save_checkpoint(values, tmp_path / "bad.ckpt")
    with pytest.raises(LightTrackError) as err:
        read_checkpoint(prefix, MobileDeconvNet.variable_shapes())
    message = str(err.value)
    assert "missing 1: up2/biases [256]" in message
    assert "unexpected 1: extra/weights [3, 3]" in message
    assert "wrong shape 1: out/biases [17] (expected [15])" in message


def test_unreadable_and_missing_checkpoints_give_one_line(mobile_values, tmp_path):
    (tmp_path / "junk.ckpt.index").write_bytes(b"not a checkpoint")
    with pytest.raises(LightTrackError, match="junk.ckpt is not a readable TF checkpoint"):
        read_checkpoint(tmp_path / "junk.ckpt", MobileDeconvNet.variable_shapes())
    prefix = save_checkpoint(mobile_values, tmp_path / "cut.ckpt")
    data = tmp_path / "cut.ckpt.data-00000-of-00001"
    data.write_bytes(data.read_bytes()[:1000])
    with pytest.raises(LightTrackError, match="cut.ckpt is not a readable TF checkpoint"):
        read_checkpoint(prefix, MobileDeconvNet.variable_shapes())
    with pytest.raises(LightTrackError, match="no longer downloadable") as err:
        CPN101Estimator.from_options()  # the published file is not in the repository
    assert "weights/CPN101/CPN_snapshot_293.ckpt" in str(err.value)
    assert "\n" not in str(err.value)


def test_pose_choice_builds_the_estimator_from_given_weights(mobile_values, tmp_path):
    from lib import components
    prefix = save_checkpoint(mobile_values, tmp_path / "mobile.ckpt")
    estimator = components.build("pose", "mobile_deconv", weights_path=prefix)
    image = np.random.default_rng(2).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    keypoints = estimator.estimate(image, np.array([[50, 20, 150, 230], [180, 40, 300, 220.]]))
    assert keypoints.shape == (2, 15, 3) and np.isfinite(keypoints).all()
    assert estimator.lost_score_thresh == 0.6


class OneConvBN(PoseNet):
    def forward(self, images, training=False):
        return self.conv_bn(images, "c", 4, 1, relu=False, training=training)


def test_batch_norm_training_mode_uses_batch_statistics_and_updates_moving_ones():
    net = OneConvBN({"c/BatchNorm/moving_mean": np.full(4, 3.0, np.float32)})
    assert sorted(net.weights) == ["c/BatchNorm/beta", "c/BatchNorm/gamma",
                                   "c/BatchNorm/moving_mean", "c/BatchNorm/moving_variance",
                                   "c/weights"]
    assert {v.name.split(":")[0] for v in net.trainable_variables} == {
        "c/weights", "c/BatchNorm/gamma", "c/BatchNorm/beta"}
    images = tf.random.stateless_normal([2, 8, 6, 3], [1, 2]) + 5.0
    conv = tf.nn.conv2d(images, net.weights["c/weights"], 1, "SAME")
    batch_mean = tf.reduce_mean(conv, [0, 1, 2]).numpy()
    out = net(images, training=True).numpy()
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-4)  # beta 0, batch stats
    np.testing.assert_allclose(net.weights["c/BatchNorm/moving_mean"].numpy(),
                               3.0 + 0.01 * (batch_mean - 3.0), rtol=1e-5)
    inference = net(images).numpy()  # moving statistics: mean 3 + ..., so not centred
    np.testing.assert_allclose(inference, (conv.numpy() - net.weights[
        "c/BatchNorm/moving_mean"].numpy()) / np.sqrt(net.weights[
            "c/BatchNorm/moving_variance"].numpy() + 1.001e-5), rtol=1e-4, atol=1e-4)
