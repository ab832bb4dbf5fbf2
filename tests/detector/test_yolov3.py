"""YOLOv3 / YOLOv3-tiny in torch against OpenCV's independent darknet importer (slow)."""
import cv2
import numpy as np
import pytest
import torch

from detector import darknet_cfg
from detector.darknet_weights import random_darknet_weights, write_darknet_weights
from detector.yolo_postprocess import letterbox, postprocess
from detector.yolov3 import YOLOv3TinyDetector, load_network
from lib import components
from lib.errors import LightTrackError

pytestmark = pytest.mark.slow
SIZE = 416


def random_model_files(tmp_path_factory, name):
    """A copy of the shipped cfg (plus ``thresh = 0``, read only by OpenCV: it stops OpenCV
    from zeroing class scores below .2) and a .weights file of random values for it."""
    folder = tmp_path_factory.mktemp(name)
    cfg_path, weights_path = folder / f"{name}.cfg", folder / f"{name}.weights"
    text = open(f"detector/config/{name}.cfg").read()
    cfg_path.write_text(text.replace("[yolo]\n", "[yolo]\nthresh = 0\n"))
    write_darknet_weights(weights_path, random_darknet_weights(darknet_cfg.parse_cfg(cfg_path)))
    return cfg_path, weights_path


@pytest.fixture(scope="module")
def tiny_files(tmp_path_factory):
    return random_model_files(tmp_path_factory, "yolov3-tiny")


@pytest.fixture(scope="module")
def yolov3_files(tmp_path_factory):
    cfg_path, weights_path = random_model_files(tmp_path_factory, "yolov3")  # 248 MB
    yield cfg_path, weights_path
    weights_path.unlink()


@pytest.fixture(scope="module")
def blob():
    image = np.random.default_rng(5).integers(0, 256, (360, 640, 3), dtype=np.uint8)
    return letterbox(cv2.GaussianBlur(image, (9, 9), 3), SIZE)


def opencv_rows(cfg_path, weights_path, blob):
    """OpenCV's yolo outputs, one (G·G·A, 5 + C) array per head: rows ordered row, column,
    anchor; boxes divided by the input size; class scores multiplied by objectness."""
    net = cv2.dnn.readNetFromDarknet(str(cfg_path), str(weights_path))
    net.setInput(blob)
    return net.forward(net.getUnconnectedOutLayersNames())


def as_opencv_layout(ours, heads):
    """Our (R, 5 + C) rows (anchor, row, column; pixels; class probabilities) in the layout
    and units of ``opencv_rows``."""
    converted, start = [], 0
    for head in heads:
        grid = int(round(np.sqrt(len(head) / 3)))
        rows = ours[start:start + len(head)].reshape(3, grid, grid, -1).transpose(1, 2, 0, 3)
        rows = rows.reshape(len(head), -1).astype(np.float64)
        rows[:, :4] /= SIZE
        rows[:, 5:] *= rows[:, 4:5]
        converted.append(rows)
        start += len(head)
    assert start == len(ours)
    return converted


@pytest.mark.parametrize("files", ["tiny_files", "yolov3_files"])
def test_raw_outputs_equal_opencv_darknet_importer(files, request, blob):
    cfg_path, weights_path = request.getfixturevalue(files)
    model = load_network(cfg_path, weights_path)
    with torch.inference_mode():
        ours = model(torch.from_numpy(blob))[0].numpy()
    theirs = opencv_rows(cfg_path, weights_path, blob)
    assert [len(head) for head in theirs] == ([507, 2028] if "tiny" in files
                                              else [507, 2028, 8112])
    for mine, head in zip(as_opencv_layout(ours, theirs), theirs):
        assert mine[:, 4].std() > 0.01  # random weights still spread the objectness
        np.testing.assert_allclose(mine, head, atol=1e-3, rtol=0)


def test_every_value_of_the_file_lands_in_the_network(yolov3_files):
    cfg_path, weights_path = yolov3_files
    model = load_network(cfg_path, weights_path)
    raw = np.fromfile(weights_path, dtype="<f4", offset=20)
    stored = [t for name, t in model.state_dict().items() if "num_batches_tracked" not in name]
    assert raw.size == sum(t.numel() for t in stored) == 62_001_757
    first, last = model.module_list[0], model.module_list[105]
    np.testing.assert_array_equal(first.batch_norm_0.bias.detach().numpy(), raw[:32])
    np.testing.assert_array_equal(first.batch_norm_0.running_var.detach().numpy(), raw[96:128])
    kernel_size = 255 * 256
    np.testing.assert_array_equal(last.conv_105.bias.detach().numpy(),
                                  raw[-255 - kernel_size:-kernel_size])
    np.testing.assert_array_equal(last.conv_105.weight.detach().numpy().ravel(), raw[-kernel_size:])


def test_truncated_or_foreign_weights_name_both_files(tiny_files, yolov3_files, tmp_path):
    tiny_cfg, tiny_weights = tiny_files
    short = tmp_path / "short.weights"
    short.write_bytes(tiny_weights.read_bytes()[:-8])
    with pytest.raises(LightTrackError, match=r"8,858,732 float values .* needs 8,858,734") as err:
        load_network(tiny_cfg, short)
    assert str(short) in str(err.value) and str(tiny_cfg) in str(err.value)
    with pytest.raises(LightTrackError, match=r"62,001,757 float values .* needs 8,858,734"):
        load_network(tiny_cfg, yolov3_files[1])


def test_state_dict_file_loads_and_mismatch_is_clear(tiny_files, blob, tmp_path):
    model = load_network(*tiny_files)
    saved = tmp_path / "tiny.pt"
    torch.save(model.state_dict(), saved)
    reloaded = load_network(tiny_files[0], saved)
    with torch.inference_mode():
        torch.testing.assert_close(reloaded(torch.from_numpy(blob)), model(torch.from_numpy(blob)))
    state = model.state_dict()
    state["module_list.0.conv_zero.weight"] = state.pop("module_list.0.conv_0.weight")
    torch.save(state, saved)
    with pytest.raises(LightTrackError, match="not a state dict of the network .*conv_0.weight"):
        load_network(tiny_files[0], saved)
    saved.write_bytes(b"not a pickle")
    with pytest.raises(LightTrackError, match="tiny.pt is not a state dict"):
        load_network(tiny_files[0], saved)


def test_missing_weights_name_the_path(tmp_path):
    missing = tmp_path / "yolov3.weights"
    with pytest.raises(LightTrackError, match=f"{missing} not found: .*published darknet "
                                              "weights yolov3.weights.*weights/README.md"):
        components.build("detector", "yolov3", weights_path=str(missing))


def test_detect_equals_postprocessed_opencv_rows(tiny_files):
    detector = components.build("detector", "yolov3-tiny", cfg_path=str(tiny_files[0]),
                                weights_path=str(tiny_files[1]), score_thresh=0.5)
    assert isinstance(detector, YOLOv3TinyDetector) and detector.objectness_thresh == 0.5
    image = cv2.GaussianBlur(np.random.default_rng(7).integers(0, 256, (300, 500, 3), np.uint8),
                             (9, 9), 3)
    rows = np.concatenate(opencv_rows(*tiny_files, letterbox(image, SIZE))).astype(np.float64)
    rows[:, 5:] /= rows[:, 4:5]
    rows[:, :4] *= SIZE
    # random weights seldom pick "person": follow the class most often picked instead
    detector.class_id = int(np.bincount(rows[rows[:, 4] >= 0.5, 5:].argmax(axis=1)).argmax())
    boxes_xyxy, scores = detector.detect(image)
    expected_boxes, expected_scores = postprocess(rows, image.shape, objectness_thresh=0.5,
                                                  class_id=detector.class_id)
    assert len(boxes_xyxy) == len(expected_boxes) >= 3
    np.testing.assert_allclose(boxes_xyxy, expected_boxes, atol=1e-2)
    np.testing.assert_allclose(scores, expected_scores, atol=1e-4)
