"""Proxy measures for a video without ground truth (numpy; matplotlib only for the plot).

Input is the tracker's output as track ids per frame (``ids_per_frame[f]`` = the ids shown on
frame ``f``) and people counted by eye on some frames (``data/vtest_counts.json``). Measures:
tracked people against the counts on those frames, distinct ids, and ids whose life (first to
last frame, both included) spans at least ``min_frames`` frames; ``timeline_png`` draws one row
per id with frames on the x axis.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from lib.errors import LightTrackError
from lib.formats.jsonfile import load_json

MIN_FRAMES = 50  # an id "lasts" when its life spans at least this many frames


@dataclass(frozen=True)
class ProxyMeasures:
    """``counted`` and ``tracked`` (people per counted frame, in ``frames`` order), their sums,
    the mean absolute difference, distinct ids and ids lasting at least ``min_frames``."""

    frames: tuple
    counted: tuple
    tracked: tuple
    distinct_ids: int
    lasting_ids: int
    min_frames: int

    @property
    def counted_total(self) -> int:
        return int(sum(self.counted))

    @property
    def tracked_total(self) -> int:
        return int(sum(self.tracked))

    @property
    def count_mae(self) -> float:
        """Mean |tracked - counted| over the counted frames (NaN without counted frames)."""
        if not self.frames:
            return float("nan")
        return float(np.mean(np.abs(np.subtract(self.tracked, self.counted))))

    def summary(self) -> str:
        """One line: tracked/counted people on the counted frames, MAE, ids, lasting ids."""
        return (f"tracked {self.tracked_total}/{self.counted_total} counted people on "
                f"{len(self.frames)} frames (mean abs diff {self.count_mae:.2f}), "
                f"{self.distinct_ids} distinct ids, {self.lasting_ids} lasting >= "
                f"{self.min_frames} frames")


def load_counts(path: str | Path) -> dict[int, int]:
    """``{frame index: people counted}`` from a counts file (``{"counts": {"34": 5, ...}}``)."""
    document = load_json(path)
    try:
        counts = {int(frame): int(count) for frame, count in document["counts"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        raise LightTrackError(f"{path}: needs a 'counts' object of frame index -> people") from None
    if any(frame < 0 or count < 0 for frame, count in counts.items()):
        raise LightTrackError(f"{path}: frame indices and counts must not be negative")
    return counts


def id_spans(ids_per_frame: Sequence[Sequence[int]]) -> dict[int, tuple[int, int]]:
    """``{track id: (first frame, last frame)}`` over the whole video."""
    spans: dict[int, tuple[int, int]] = {}
    for frame, ids in enumerate(ids_per_frame):
        for track_id in ids:
            first = spans.get(track_id, (frame, frame))[0]
            spans[track_id] = (first, frame)
    return spans


def proxy_measures(ids_per_frame: Sequence[Sequence[int]], counts: Mapping[int, int], *,
                   min_frames: int = MIN_FRAMES) -> ProxyMeasures:
    """The proxy measures of one tracked video; a counted frame past the video's end is an
    error (the counts belong to another video or the video was cut)."""
    beyond = [frame for frame in counts if frame >= len(ids_per_frame)]
    if beyond:
        raise LightTrackError(f"counted frame {min(beyond)} is past the tracked video's "
                              f"{len(ids_per_frame)} frames: were the counts made on this video?")
    frames = tuple(sorted(counts))
    spans = id_spans(ids_per_frame)
    return ProxyMeasures(
        frames=frames,
        counted=tuple(int(counts[frame]) for frame in frames),
        tracked=tuple(len(set(ids_per_frame[frame])) for frame in frames),
        distinct_ids=len(spans),
        lasting_ids=sum(last - first + 1 >= min_frames for first, last in spans.values()),
        min_frames=min_frames)


def timeline_png(ids_per_frame: Sequence[Sequence[int]], path: str | Path, *, title: str = "",
                 marked_frames: Sequence[int] = ()) -> Path:
    """Write the track timeline (``lib.plots.timeline_figure``) of ``ids_per_frame`` to
    ``path``; ``marked_frames`` (e.g. the counted frames) are drawn as thin vertical lines.
    Returns the path."""
    from lib.plots import id_runs, save, timeline_figure  # matplotlib only here

    frames = (0, max(len(ids_per_frame) - 1, 1))
    segments = id_runs(range(len(ids_per_frame)), ids_per_frame)
    save(timeline_figure(segments, frames, title=title or "track timeline",
                         marked_frames=marked_frames), str(path))
    return Path(path)
