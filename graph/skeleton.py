"""The 15-joint PoseTrack skeleton graph of the SGCN and the keypoints -> graph input (numpy).

Layout ``PoseTrack`` with the ``spatial`` partition strategy of ST-GCN (SPEC §5.1): 15 nodes in
the joint order of ``lib.joints``, the 14 bones below plus a self-loop on every node, centre node
12 (neck), ``max_hop`` 1. Hop distances beyond ``max_hop`` are infinite, so every pair of nodes
more than one hop from the centre falls into the "root" partition (a published quirk kept
because the released weights were trained with it). The result ``A`` has shape (3, 15, 15):
``A[0]`` the self-loops (root at hop 0), ``A[1]`` root + close at hop 1, ``A[2]`` further at
hop 1, each entry taken from the column-normalised adjacency.
"""
from __future__ import annotations

import numpy as np

from lib.joints import NUM_JOINTS

# the 14 undirected bones; there is no hip-hip bone
EDGES = ((0, 1), (1, 2), (3, 4), (4, 5), (2, 8), (8, 7), (7, 6), (8, 12), (12, 9), (9, 10),
         (10, 11), (9, 3), (12, 13), (13, 14))
CENTER = 12  # the neck (head_bottom)


def hop_distance(num_nodes: int = NUM_JOINTS, edges=EDGES, max_hop: int = 1) -> np.ndarray:
    """(V, V) number of bones between two nodes, ``inf`` beyond ``max_hop``."""
    adjacency = np.eye(num_nodes, dtype=bool)
    for i, j in edges:
        adjacency[i, j] = adjacency[j, i] = True
    distance = np.full((num_nodes, num_nodes), np.inf)
    reach = np.eye(num_nodes, dtype=bool)
    for hop in range(max_hop + 1):
        distance[reach & np.isinf(distance)] = hop
        reach = (reach.astype(int) @ adjacency.astype(int)) > 0
    return distance


def normalize_columns(adjacency: np.ndarray) -> np.ndarray:
    """``N[j, i] = adjacency[j, i] / sum_j' adjacency[j', i]`` (columns summing to 0 stay 0)."""
    column_sums = adjacency.sum(axis=0)
    scale = np.divide(1.0, column_sums, out=np.zeros_like(column_sums, dtype=np.float64),
                      where=column_sums > 0)
    return adjacency * scale[None, :]


def spatial_adjacency(num_nodes: int = NUM_JOINTS, edges=EDGES, center: int = CENTER,
                      max_hop: int = 1) -> np.ndarray:
    """The spatial-partition adjacency ``A`` of shape (1 + 2 * max_hop, V, V), float32.

    For each hop h in 0..max_hop, every pair (j, i) at hop distance h goes to "root" when j and
    i are equally far from ``center``, "close" when j is farther, "further" when j is nearer;
    hop 0 contributes [root], each later hop [root + close, further].
    """
    hops = hop_distance(num_nodes, edges, max_hop)
    normalized = normalize_columns((hops <= max_hop).astype(np.float64))
    to_center_j, to_center_i = hops[:, center][:, None], hops[:, center][None, :]
    partitions = []
    for hop in range(max_hop + 1):
        at_hop = hops == hop
        root = np.where(at_hop & (to_center_j == to_center_i), normalized, 0.0)
        if hop == 0:
            partitions.append(root)
            continue
        close = np.where(at_hop & (to_center_j > to_center_i), normalized, 0.0)
        further = np.where(at_hop & (to_center_j < to_center_i), normalized, 0.0)
        partitions += [root + close, further]
    return np.stack(partitions).astype(np.float32)


def keypoints_to_graphs(keypoints, boxes) -> np.ndarray:
    """SGCN input of each pose: joint offsets from its own box's top-left corner (SPEC §1.10).

    keypoints: (N, V, 2 or 3) x, y (a score column is ignored); boxes: (N, 4) xyxy or xywh
    (only the top-left corner x, y is used). Returns (N, 2, 1, V, 1) float32 with channel 0 =
    ``int(x - x0)`` and channel 1 = ``int(y - y0)``, truncated toward zero, not scaled.
    """
    kps = np.asarray(keypoints, dtype=np.float64)
    corners = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)[:, :2]
    if kps.ndim != 3 or kps.shape[2] not in (2, 3) or len(kps) != len(corners):
        raise ValueError(f"keypoints must be (N, V, 2|3) with one box each, got {kps.shape} "
                         f"keypoints and {len(corners)} boxes")
    offsets = np.trunc(kps[:, :, :2] - corners[:, None, :])  # (N, V, 2)
    return offsets.transpose(0, 2, 1)[:, :, None, :, None].astype(np.float32)
