"""The darknet cfg parser against the published YOLOv3 layer numbers (no framework)."""
from collections import Counter

import pytest

from detector import darknet_cfg
from lib.errors import LightTrackError

CONFIG = "detector/config"


@pytest.fixture(scope="module")
def yolov3():
    return darknet_cfg.parse_cfg(f"{CONFIG}/yolov3.cfg")


@pytest.fixture(scope="module")
def tiny():
    return darknet_cfg.parse_cfg(f"{CONFIG}/yolov3-tiny.cfg")


def routes(cfg):
    return {index: darknet_cfg.source_layers(cfg, index)
            for index, block in enumerate(cfg.layers) if block["type"] == "route"}


def test_yolov3_has_the_published_layers(yolov3):
    assert (yolov3.channels, yolov3.height) == (3, 416)
    assert len(yolov3.layers) == 107
    assert Counter(block["type"] for block in yolov3.layers) == {
        "convolutional": 75, "shortcut": 23, "route": 4, "upsample": 2, "yolo": 3}
    assert darknet_cfg.yolo_layers(yolov3) == [82, 94, 106]
    # 83: -4 -> 79; 86: -1, 61 -> 85, 61; 95: -4 -> 91; 98: -1, 36 -> 97, 36
    assert routes(yolov3) == {83: [79], 86: [85, 61], 95: [91], 98: [97, 36]}
    shortcuts = [index for index, block in enumerate(yolov3.layers) if block["type"] == "shortcut"]
    assert all(darknet_cfg.source_layers(yolov3, i) == [i - 3] for i in shortcuts)


def test_yolov3_widths_and_weight_count(yolov3):
    channels = darknet_cfg.output_channels(yolov3)
    assert channels[36] == 256 and channels[61] == 512 and channels[74] == 1024
    assert channels[86] == 256 + 512 and channels[98] == 128 + 256
    assert [channels[i] for i in (81, 93, 105)] == [255, 255, 255]
    convs = darknet_cfg.conv_shapes(yolov3)
    assert sum(not conv.batch_normalize for conv in convs) == 3
    assert darknet_cfg.count_weights(yolov3) == 62_001_757  # published: 248,007,048-byte file


def test_yolov3_anchors_in_head_order(yolov3):
    assert [darknet_cfg.yolo_anchors(yolov3, i) for i in (82, 94, 106)] == [
        [(116, 90), (156, 198), (373, 326)], [(30, 61), (62, 45), (59, 119)],
        [(10, 13), (16, 30), (33, 23)]]


def test_tiny_has_the_standard_layers(tiny):
    assert len(tiny.layers) == 24
    assert Counter(block["type"] for block in tiny.layers) == {
        "convolutional": 13, "maxpool": 6, "route": 2, "upsample": 1, "yolo": 2}
    assert darknet_cfg.yolo_layers(tiny) == [16, 23]
    assert routes(tiny) == {17: [13], 20: [19, 8]}
    assert (tiny.value(11, "size"), tiny.value(11, "stride")) == ("2", "1")
    assert darknet_cfg.output_channels(tiny)[20] == 128 + 256
    assert darknet_cfg.yolo_anchors(tiny, 16) == [(81, 82), (135, 169), (344, 319)]
    assert darknet_cfg.count_weights(tiny) == 8_858_734  # yolov3-tiny.weights: 35,434,956 bytes


NET = "[net]\nheight=32\nwidth=32\nchannels=3\n"


def conv(filters, bn=1):
    return f"[convolutional]\nbatch_normalize={bn}\nfilters={filters}\nsize=1\nstride=1\npad=1\n" \
           "activation=leaky\n"


def write(tmp_path, text):
    path = tmp_path / "net.cfg"
    path.write_text(text)
    return path


def test_positive_route_takes_the_width_of_that_layer(tmp_path):
    # layers 0..2 have 8, 16, 4 channels; "route 1" must take 16, not layer 0's 8
    cfg = darknet_cfg.parse_cfg(write(tmp_path, NET + conv(8) + conv(16) + conv(4)
                                      + "[route]\nlayers = 1\n[route]\nlayers=-1,2\n"))
    assert darknet_cfg.output_channels(cfg) == [8, 16, 4, 16, 20]


def test_parse_rules(tmp_path):
    text = ("# comment\n\n  [net]  \n height = 32 \n[convolutional]\n  # indented comment\n"
            "filters=4\nsize=3\nactivation=linear\n")
    cfg = darknet_cfg.parse_cfg(write(tmp_path, text))
    assert cfg.net == {"type": "net", "height": "32"}
    assert cfg.layers[0] == {"type": "convolutional", "batch_normalize": "0", "filters": "4",
                             "size": "3", "activation": "linear"}
    assert darknet_cfg.conv_shapes(cfg)[0].num_weights == 4 + 4 * 3 * 3 * 3  # bias + kernel


@pytest.mark.parametrize("text, message", [
    (conv(4), "starts with a [net] block"),
    (NET + "[dropout]\nprobability=.5\n", "unsupported type [dropout]"),
    (NET + conv(4) + "[route]\nlayers = 1\n", "not an earlier layer"),
    (NET + conv(4) + "[shortcut]\nfrom=-3\n", "not an earlier layer"),
    (NET + "filters 4\n", "expected '[type]' or 'key=value'"),
    (NET + "[convolutional]\nsize=1\n", "has no 'filters=' line"),
    (NET + conv(4).replace("leaky", "mish"), "activation=mish"),
])
def test_bad_cfg_is_a_clear_error(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(LightTrackError, match=message.replace("[", r"\[")) as err:
        darknet_cfg.output_channels(darknet_cfg.parse_cfg(path))
    assert str(path) in str(err.value)


def test_missing_cfg_names_the_path(tmp_path):
    with pytest.raises(LightTrackError, match="nope.cfg"):
        darknet_cfg.parse_cfg(tmp_path / "nope.cfg")
