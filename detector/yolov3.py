"""YOLOv3 and YOLOv3-tiny person detectors built from a darknet cfg and weights (PyTorch).

The network follows the cfg layer by layer (the published port of eriklindernoren's
PyTorch-YOLOv3); its state-dict keys follow that port too (``module_list.{i}.conv_{i}.weight``,
``module_list.{i}.batch_norm_{i}.running_mean`` ...), so a state dict saved from it loads here.
Pre- and post-processing live in ``detector.yolo_postprocess`` (numpy).
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import torch
from torch import nn

from detector import darknet_cfg, yolo_postprocess
from detector.darknet_cfg import DarknetCfg
from detector.darknet_weights import read_darknet_weights
from lib.errors import LightTrackError
from lib.interfaces import Detector
from lib.weights import require_file

ROOT = Path(__file__).resolve().parents[1]
BN_EPS = 1e-5
LEAKY_SLOPE = 0.1


class YOLOLayer(nn.Module):
    """Decodes one head: (B, A·(5+C), G, G) -> (B, A·G·G, 5+C) rows ordered anchor, row,
    column, as centre x, centre y, width, height in input pixels, objectness, class
    probabilities (independent sigmoids)."""

    def __init__(self, anchors: list[tuple[int, int]]):
        super().__init__()
        self.register_buffer("anchors", torch.tensor(anchors, dtype=torch.float32),
                             persistent=False)

    def forward(self, x: torch.Tensor, input_size: tuple[int, int]) -> torch.Tensor:
        batch, _, rows, cols = x.shape
        num_anchors = len(self.anchors)
        pred = x.view(batch, num_anchors, -1, rows, cols).permute(0, 1, 3, 4, 2)
        stride_y, stride_x = input_size[0] / rows, input_size[1] / cols
        col = torch.arange(cols, dtype=x.dtype).view(1, 1, 1, cols)
        row = torch.arange(rows, dtype=x.dtype).view(1, 1, rows, 1)
        anchor_w = self.anchors[:, 0].view(1, num_anchors, 1, 1)
        anchor_h = self.anchors[:, 1].view(1, num_anchors, 1, 1)
        decoded = torch.cat([
            ((torch.sigmoid(pred[..., 0]) + col) * stride_x).unsqueeze(-1),
            ((torch.sigmoid(pred[..., 1]) + row) * stride_y).unsqueeze(-1),
            (torch.exp(pred[..., 2]) * anchor_w).unsqueeze(-1),
            (torch.exp(pred[..., 3]) * anchor_h).unsqueeze(-1),
            torch.sigmoid(pred[..., 4:]),
        ], dim=-1)
        return decoded.reshape(batch, num_anchors * rows * cols, -1)


class Darknet(nn.Module):
    """The network of a darknet cfg. ``forward`` takes (B, 3, S, S) and returns the decoded
    rows of every yolo layer, concatenated in cfg order: (B, R, 5 + C)."""

    def __init__(self, cfg: DarknetCfg):
        super().__init__()
        self.cfg = cfg
        channels = darknet_cfg.output_channels(cfg)
        self.kinds = [block["type"] for block in cfg.layers]
        self.sources = {index: darknet_cfg.source_layers(cfg, index)
                        for index, kind in enumerate(self.kinds) if kind in ("route", "shortcut")}
        self.module_list = nn.ModuleList(
            _build_layer(cfg, index, channels[index - 1] if index else cfg.channels)
            for index in range(len(cfg.layers)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        input_size = tuple(x.shape[2:])
        outputs, heads = [], []
        for index, (kind, module) in enumerate(zip(self.kinds, self.module_list)):
            if kind == "route":
                x = torch.cat([outputs[source] for source in self.sources[index]], dim=1)
            elif kind == "shortcut":
                x = outputs[-1] + outputs[self.sources[index][0]]
            elif kind == "yolo":
                x = module(x, input_size)
                heads.append(x)
            else:
                x = module(x)
            outputs.append(x)
        return torch.cat(heads, dim=1)

    def load_darknet(self, weights_path: str | Path) -> None:
        """Copy a darknet ``.weights`` file into the layers (its header is not used)."""
        _, convs = read_darknet_weights(weights_path, self.cfg)
        shapes = darknet_cfg.conv_shapes(self.cfg)
        with torch.no_grad():
            for shape, values in zip(shapes, convs):
                layer = self.module_list[shape.index]
                conv = layer.get_submodule(f"conv_{shape.index}")
                conv.weight.copy_(torch.from_numpy(values.kernel))
                if values.batch_norm is None:
                    conv.bias.copy_(torch.from_numpy(values.bias))
                    continue
                batch_norm = layer.get_submodule(f"batch_norm_{shape.index}")
                for target, array in zip((batch_norm.bias, batch_norm.weight,
                                          batch_norm.running_mean, batch_norm.running_var),
                                         values.batch_norm):
                    target.copy_(torch.from_numpy(array))

    def load_state_dict_file(self, weights_path: str | Path) -> None:
        """Load a PyTorch state dict (``torch.load(weights_only=True)``) saved from this net."""
        try:
            state = torch.load(weights_path, map_location="cpu", weights_only=True)
            self.load_state_dict(state)
        except (RuntimeError, TypeError, AttributeError, EOFError, pickle.UnpicklingError) as err:
            lines = str(err).strip().splitlines()
            raise LightTrackError(f"{weights_path} is not a state dict of the network of "
                                  f"{self.cfg.path}: {' '.join(lines)[:300]}") from None


def _build_layer(cfg: DarknetCfg, index: int, in_channels: int) -> nn.Module:
    """The module of layer ``index``; route and shortcut layers get an empty Sequential."""
    kind = cfg.layers[index]["type"]
    layer = nn.Sequential()
    if kind == "convolutional":
        size, filters = cfg.int_value(index, "size"), cfg.int_value(index, "filters")
        batch_normalize = cfg.int_value(index, "batch_normalize") != 0
        padding = (size - 1) // 2 if cfg.int_value(index, "pad", "0") else 0
        layer.add_module(f"conv_{index}", nn.Conv2d(
            in_channels, filters, size, stride=cfg.int_value(index, "stride", "1"),
            padding=padding, bias=not batch_normalize))
        if batch_normalize:
            layer.add_module(f"batch_norm_{index}", nn.BatchNorm2d(filters, eps=BN_EPS))
        if cfg.value(index, "activation", "linear") == "leaky":
            layer.add_module(f"leaky_{index}", nn.LeakyReLU(LEAKY_SLOPE))
    elif kind == "maxpool":
        size, stride = cfg.int_value(index, "size"), cfg.int_value(index, "stride", "1")
        if size == 2 and stride == 1:  # keep the grid size; like darknet, the pad never wins
            layer.add_module(f"pad_{index}", nn.ConstantPad2d((0, 1, 0, 1), float("-inf")))
        layer.add_module(f"maxpool_{index}", nn.MaxPool2d(size, stride, padding=(size - 1) // 2))
    elif kind == "upsample":
        layer.add_module(f"upsample_{index}", nn.Upsample(
            scale_factor=cfg.int_value(index, "stride", "2"), mode="nearest"))
    elif kind == "yolo":
        return YOLOLayer(darknet_cfg.yolo_anchors(cfg, index))
    return layer


def load_network(cfg_path: str | Path, weights_path: str | Path) -> Darknet:
    """The network of ``cfg_path`` with ``weights_path`` loaded (a darknet ``.weights`` file,
    or any other file as a PyTorch state dict), in eval mode."""
    cfg = darknet_cfg.parse_cfg(cfg_path)
    require_file(weights_path, f"place the published darknet weights {Path(weights_path).name} "
                               "there (see weights/README.md) or pass --detector-weights FILE")
    model = Darknet(cfg)
    if str(weights_path).endswith(".weights"):
        model.load_darknet(weights_path)
    else:
        model.load_state_dict_file(weights_path)
    return model.eval()


class YOLOv3Detector(Detector):
    """Person detector: YOLOv3 on a square letterbox of the frame, published settings.

    ``detect(image BGR (H, W, 3) uint8) -> (boxes_xyxy (N, 4), scores (N,))`` in frame pixels;
    a score is objectness × person probability. ``objectness_thresh`` (the ``--detector-thresh``
    flag) filters on objectness alone, as published. ``input_size`` (None: the cfg's height,
    416 as published) is the side of the letterbox square.
    """

    default_cfg = ROOT / "detector" / "config" / "yolov3.cfg"
    default_weights = ROOT / "weights" / "YOLOv3" / "yolov3.weights"

    def __init__(self, cfg_path: str | Path | None = None,
                 weights_path: str | Path | None = None, *,
                 objectness_thresh: float = yolo_postprocess.OBJECTNESS_THRESH,
                 nms_iou_thresh: float = yolo_postprocess.NMS_IOU_THRESH,
                 input_size: int | None = None,
                 class_id: int = yolo_postprocess.PERSON_CLASS,
                 num_threads: int | None = None):
        self.model = load_network(cfg_path or self.default_cfg,
                                  weights_path or self.default_weights)
        self.objectness_thresh, self.nms_iou_thresh = objectness_thresh, nms_iou_thresh
        self.input_size = input_size or self.model.cfg.height  # published: 416, the cfg's
        self.class_id = class_id
        torch.set_num_threads(num_threads or min(2, os.cpu_count() or 1))

    @classmethod
    def from_options(cls, weights_path=None, cfg_path=None, score_thresh=None):
        """Build from the command-line options of ``lib.cli`` (None = default)."""
        thresh = {} if score_thresh is None else {"objectness_thresh": score_thresh}
        return cls(cfg_path, weights_path, **thresh)

    def predict(self, image: np.ndarray) -> np.ndarray:
        """Raw decoded rows (R, 5 + C) for a BGR (H, W, 3) uint8 image, in letterbox pixels."""
        blob = torch.from_numpy(yolo_postprocess.letterbox(image, self.input_size))
        with torch.inference_mode():
            return self.model(blob)[0].numpy()

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """image BGR (H, W, 3) uint8 -> (boxes_xyxy (N, 4) float, scores (N,) float)."""
        return yolo_postprocess.postprocess(
            self.predict(image), image.shape, input_size=self.input_size,
            objectness_thresh=self.objectness_thresh, nms_iou_thresh=self.nms_iou_thresh,
            class_id=self.class_id)


class YOLOv3TinyDetector(YOLOv3Detector):
    """YOLOv3-tiny person detector; differs from ``YOLOv3Detector`` only by its default files."""

    default_cfg = ROOT / "detector" / "config" / "yolov3-tiny.cfg"
    default_weights = ROOT / "weights" / "YOLOv3" / "yolov3-tiny.weights"
