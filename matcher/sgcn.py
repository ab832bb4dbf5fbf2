"""The ``sgcn`` pose matcher: Euclidean distance between SGCN pose embeddings (numpy).

Implements ``lib.interfaces.Matcher`` (SPEC §1.10): each pose becomes a graph of pixel offsets
from its own box's top-left corner, every pose of one call (N candidates + M tracks) is
embedded in a single forward pass, and the distance is the norm of the embedding difference.
The forward pass is ``graph.sgcn_numpy`` on an ``.npz`` weight file, so matching imports no
framework; a PyTorch checkpoint (``.pt``) given instead is read once with torch, imported then.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

import numpy as np

from graph.sgcn_numpy import NumpySGCN
from graph.skeleton import keypoints_to_graphs
from lib.geometry import as_boxes
from lib.interfaces import Matcher
from lib.joints import NUM_JOINTS

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_WEIGHTS = ROOT / "weights" / "GCN" / "sgcn_synthetic.npz"
PUBLISHED_WEIGHTS = ROOT / "weights" / "GCN" / "epoch210_model.pt"


class SGCNMatcher(Matcher):
    """Pose distances from a siamese graph-convolutional network (eval mode, CPU).

    embedder: graphs (N, 2, 1, 15, 1) float32 -> embeddings (N, D) float32 with a ``num_class``
    attribute (D): a ``graph.sgcn_numpy.NumpySGCN``, or ``graph.model.TorchEmbedder`` to run
    the PyTorch model itself (the reference the numpy forward is tested against).
    """

    def __init__(self, embedder: Callable[[np.ndarray], np.ndarray]):
        self.embedder = embedder

    @classmethod
    def from_options(cls, weights_path: str | Path | None = None) -> "SGCNMatcher":
        """weights_path: an ``.npz`` of ``python -m graph.export_numpy`` (None: the shipped
        ``weights/GCN/sgcn_synthetic.npz``), or any other file as a PyTorch state dict in the
        published layout (e.g. ``weights/GCN/epoch210_model.pt``), which imports torch to read
        it; the forward pass is numpy either way."""
        if weights_path is None:
            return cls(NumpySGCN.from_file(SHIPPED_WEIGHTS, fix="run make sgcn-npz"))
        if Path(weights_path).suffix == ".npz":
            return cls(NumpySGCN.from_file(weights_path, fix="export one with python -m "
                                           "graph.export_numpy IN.pt OUT.npz"))
        from graph.export_numpy import checkpoint_arrays  # PyTorch, only for a checkpoint
        log.info("reading %s with PyTorch; python -m graph.export_numpy %s OUT.npz makes a file "
                 "that needs no torch", weights_path, weights_path)
        return cls(NumpySGCN(checkpoint_arrays(
            weights_path, fix="give an existing SGCN state dict, e.g. "
            f"{PUBLISHED_WEIGHTS.relative_to(ROOT)} from the released GCN.zip")))

    def embed(self, keypoints: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """keypoints (N, 15, 2|3), boxes (N, 4) xyxy or xywh -> embeddings (N, D) float32."""
        return self.embedder(keypoints_to_graphs(keypoints, boxes))

    def distances(self, boxes_xyxy, keypoints, track_boxes_xyxy, track_keypoints) -> np.ndarray:
        """boxes_xyxy (N, 4), keypoints (N, 15, 3), track_boxes_xyxy (M, 4), track_keypoints
        (M, 15, 3) -> (N, M) embedding distances; ``inf`` in the row or column of a person
        without keypoints (all joint scores 0 or a non-finite value) or without a valid box."""
        keypoints, track_keypoints = _poses(keypoints), _poses(track_keypoints)
        boxes = np.concatenate([as_boxes(boxes_xyxy), as_boxes(track_boxes_xyxy)])
        poses = np.concatenate([keypoints, track_keypoints])
        num_rows = len(keypoints)
        usable = (np.isfinite(poses).all(axis=(1, 2)) & (poses[:, :, 2] != 0).any(axis=1)
                  & np.isfinite(boxes).all(axis=1) & (boxes[:, 2] > boxes[:, 0])
                  & (boxes[:, 3] > boxes[:, 1]))
        embeddings = np.zeros((len(poses), self.embedder.num_class), dtype=np.float32)
        if usable.any():
            embeddings[usable] = self.embed(poses[usable], boxes[usable])
        rows, cols = embeddings[:num_rows], embeddings[num_rows:]
        dist = np.sqrt(((rows[:, None, :].astype(np.float64) - cols[None]) ** 2).sum(-1))
        dist[~usable[:num_rows], :] = np.inf
        dist[:, ~usable[num_rows:]] = np.inf
        return dist


def _poses(keypoints) -> np.ndarray:
    kps = np.asarray(keypoints, dtype=np.float64)
    return kps.reshape(0, NUM_JOINTS, 3) if kps.size == 0 else kps
