"""The ``sgcn`` pose matcher: Euclidean distance between SGCN pose embeddings (PyTorch).

Implements ``lib.interfaces.Matcher`` (SPEC §1.10): each pose becomes a graph of pixel offsets
from its own box's top-left corner, every pose of one call (N candidates + M tracks) is
embedded in a single forward pass, and the distance is the norm of the embedding difference.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from graph.model import SGCN, load_model
from graph.skeleton import keypoints_to_graphs
from lib.geometry import as_boxes
from lib.interfaces import Matcher
from lib.joints import NUM_JOINTS

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_WEIGHTS = ROOT / "weights" / "GCN" / "sgcn_synthetic.pt"
PUBLISHED_WEIGHTS = ROOT / "weights" / "GCN" / "epoch210_model.pt"


class SGCNMatcher(Matcher):
    """Pose distances from a siamese graph-convolutional network (eval mode, CPU).

    model: an SGCN; num_threads: torch threads used during ``distances`` (the previous
    setting is restored afterwards; one thread is fastest for a frame's few poses).
    """

    def __init__(self, model: SGCN, num_threads: int = 1):
        self.model = model.eval()
        self.num_threads = num_threads

    @classmethod
    def from_options(cls, weights_path: str | Path | None = None) -> "SGCNMatcher":
        """weights_path: a state dict in the published layout (None: the shipped
        ``weights/GCN/sgcn_synthetic.pt``; the released one is ``weights/GCN/epoch210_model.pt``).
        """
        if weights_path is None:
            return cls(load_model(SHIPPED_WEIGHTS, fix="run make sgcn-weights"))
        return cls(load_model(weights_path, fix="give an existing SGCN state dict, e.g. "
                              f"{PUBLISHED_WEIGHTS.relative_to(ROOT)} from the released GCN.zip"))

    def embed(self, keypoints: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """keypoints (N, 15, 2|3), boxes (N, 4) xyxy or xywh -> embeddings (N, 128) float32."""
        graphs = torch.from_numpy(keypoints_to_graphs(keypoints, boxes))
        previous = torch.get_num_threads()
        torch.set_num_threads(self.num_threads)
        try:
            with torch.inference_mode():
                return self.model(graphs).numpy()
        finally:
            torch.set_num_threads(previous)

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
        embeddings = np.zeros((len(poses), self.model.fcn.out_channels), dtype=np.float32)
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
