"""The darknet .weights reader and writer on the tiny cfg (numpy, no framework)."""
import numpy as np
import pytest

from detector import darknet_cfg
from detector.darknet_weights import (HEADER_BYTES, read_darknet_weights,
                                      random_darknet_weights, write_darknet_weights)
from lib.errors import LightTrackError


@pytest.fixture(scope="module")
def tiny_cfg():
    return darknet_cfg.parse_cfg("detector/config/yolov3-tiny.cfg")


@pytest.fixture(scope="module")
def tiny_weights(tiny_cfg, tmp_path_factory):
    path = tmp_path_factory.mktemp("weights") / "tiny.weights"
    write_darknet_weights(path, random_darknet_weights(tiny_cfg, seed=3), header=(0, 2, 5, 7, 0))
    return path


def test_reader_consumes_every_value_in_file_order(tiny_cfg, tiny_weights):
    raw = np.fromfile(tiny_weights, dtype="<f4", offset=HEADER_BYTES)
    assert raw.size == darknet_cfg.count_weights(tiny_cfg) == 8_858_734
    header, convs = read_darknet_weights(tiny_weights, tiny_cfg)
    assert header.tolist() == [0, 2, 5, 7, 0]
    assert len(convs) == 13
    # the file is exactly the concatenation of every layer's arrays in cfg order
    np.testing.assert_array_equal(np.concatenate([a.ravel() for c in convs for a in c.flat()]),
                                  raw)
    beta, gamma, mean, variance = convs[0].batch_norm
    np.testing.assert_array_equal(beta, raw[:16])  # layer 0: 16 filters, BN beta first
    np.testing.assert_array_equal(gamma, raw[16:32])
    assert (variance > 0).all() and mean.shape == (16,)
    assert convs[0].kernel.shape == (16, 3, 3, 3)
    np.testing.assert_array_equal(convs[0].kernel.ravel(), raw[64:64 + 16 * 27])
    last = convs[-1]  # layer 22: 255 filters over 256 channels, bias and no BN
    assert last.batch_norm is None and last.bias.shape == (255,)
    np.testing.assert_array_equal(last.kernel.ravel(), raw[-255 * 256:])


def test_truncated_file_says_what_was_expected_and_found(tiny_cfg, tiny_weights, tmp_path):
    short = tmp_path / "short.weights"
    short.write_bytes(tiny_weights.read_bytes()[:HEADER_BYTES + 4 * 1000])
    with pytest.raises(LightTrackError) as err:
        read_darknet_weights(short, tiny_cfg)
    message = str(err.value)
    assert "1,000 float values" in message and "8,858,734" in message
    assert str(short) in message and tiny_cfg.path in message


def test_file_of_another_cfg_is_rejected(tiny_weights):
    yolov3 = darknet_cfg.parse_cfg("detector/config/yolov3.cfg")
    with pytest.raises(LightTrackError, match="8,858,734 float values .* needs 62,001,757"):
        read_darknet_weights(tiny_weights, yolov3)


def test_ragged_file_is_rejected(tiny_cfg, tiny_weights, tmp_path):
    ragged = tmp_path / "ragged.weights"
    ragged.write_bytes(tiny_weights.read_bytes() + b"\0\0")
    with pytest.raises(LightTrackError, match="8,858,734.50 float values"):
        read_darknet_weights(ragged, tiny_cfg)
