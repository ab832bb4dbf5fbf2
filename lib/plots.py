"""Pictures of a run, drawn with matplotlib's Agg canvas from ``Statistics.per_frame``: time per
stage per frame (keyframes marked) and one row per track id over the frames (the same timeline
serves ``lib.eval.proxy`` for ids per frame of any tracker)."""
from __future__ import annotations

import io
import os

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lib.outputs import write_bytes
from lib.frame_log import STAGE_LABELS, STAGES, FrameLog
from lib.joints import TRACK_COLORS

DPI = 100
CHART_SIZE = (10.0, 4.0)  # inches: 1000 x 400 pixels at DPI
CLIP_PERCENTILE = 98
MAX_TRACK_ROWS = 60  # the tracks chart grows by row up to this many, then the rows get thinner
STAGE_COLORS = {"read": "#9e9e9e", "detection": "#d62728", "pose": "#1f77b4",
                "tracking": "#2ca02c", "output": "#ff7f0e"}


def chart_paths(output_dir: str, name: str) -> dict[str, str]:
    """Where a run's pictures go: ``<output_dir>/stats/<name>_timing.png`` and ``_tracks.png``."""
    folder = os.path.join(output_dir, "stats")
    return {"timing": os.path.join(folder, f"{name}_timing.png"),
            "tracks": os.path.join(folder, f"{name}_tracks.png")}


def timing_figure(log: FrameLog, title: str = "") -> Figure:
    """Milliseconds per frame, one bar per tracked frame at its frame index (dropped frames
    leave gaps), stacked by stage (``lib.frame_log.STAGES``); keyframes marked by triangles
    under the axis. The y axis ends at CLIP_PERCENTILE of the frame totals times 1.5, so a
    slow first frame (model warm-up) does not flatten the rest; a clipped bar is labelled."""
    figure = Figure(figsize=CHART_SIZE, dpi=DPI)
    ax = figure.add_subplot()
    x = np.asarray(log.frame_idx, dtype=np.float64)
    ms = 1000 * log.stage_seconds()
    bottom = np.zeros(len(x))
    for column, stage in enumerate(STAGES):
        ax.bar(x, ms[:, column], width=1.0, bottom=bottom, color=STAGE_COLORS[stage],
               linewidth=0, label=STAGE_LABELS[stage])
        bottom += ms[:, column]
    if len(x):
        keyframes = x[np.asarray(log.is_keyframe, dtype=bool)]
        ax.plot(keyframes, np.zeros_like(keyframes), "v", color="black", markersize=5,
                clip_on=False, label=f"keyframe ({len(keyframes)})")
        ax.set_xlim(x[0] - 0.5, x[-1] + 0.5)
        top = max(1.5 * float(np.percentile(bottom, CLIP_PERCENTILE)), 1e-3)
        ax.set_ylim(0, top)
        for frame_x, total in zip(x[bottom > top], bottom[bottom > top]):
            ax.annotate(f"{total:.0f} ms", (frame_x, top), xytext=(3, -12),
                        textcoords="offset points", fontsize="small")
    ax.set_xlabel("frame")
    ax.set_ylabel("ms per frame")
    ax.set_title(title or "time per stage per frame")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    figure.tight_layout()
    return figure


def id_runs(frame_indices, ids_per_frame) -> dict[int, list[tuple[int, int]]]:
    """For each track id, its runs of consecutive listed frames as (first frame, frame count)
    in frame-index units (a run spans frames missing between two listed frames)."""
    segments: dict[int, list[tuple[int, int]]] = {}
    previous_ids: set[int] = set()
    for frame_idx, ids in zip(frame_indices, ids_per_frame):
        for track_id in ids:
            runs = segments.setdefault(track_id, [])
            if track_id in previous_ids:
                start, _ = runs[-1]
                runs[-1] = (start, frame_idx - start + 1)
            else:
                runs.append((frame_idx, 1))
        previous_ids = set(ids)
    return segments


def track_segments(log: FrameLog) -> dict[int, list[tuple[int, int]]]:
    """``id_runs`` of a run's logged frames (dropped frames inside a run are spanned)."""
    return id_runs(log.frame_idx, log.track_ids)


def timeline_figure(segments: dict[int, list[tuple[int, int]]], frames: tuple[int, int] | None,
                    *, title: str, marked_frames=()) -> Figure:
    """One horizontal row per track id (by first frame, then id, from the top), a bar over
    each run of ``segments`` in the id's drawing colour; x from ``frames`` (first, last);
    ``marked_frames`` (e.g. frames counted by eye) as thin grey lines."""
    ids = sorted(segments, key=lambda track_id: (segments[track_id][0][0], track_id))
    height = min(CHART_SIZE[1] + 0.2 * max(len(ids) - 10, 0), CHART_SIZE[1] + 0.2 * MAX_TRACK_ROWS)
    figure = Figure(figsize=(CHART_SIZE[0], height), dpi=DPI)
    ax = figure.add_subplot()
    for frame in marked_frames:
        ax.axvline(frame, color="0.85", linewidth=0.8, zorder=0)
    for row, track_id in enumerate(ids):
        blue, green, red = TRACK_COLORS[track_id % len(TRACK_COLORS)]
        ax.broken_barh(segments[track_id], (row - 0.4, 0.8), edgecolor="0.4", linewidth=0.5,
                       facecolor=(red / 255, green / 255, blue / 255))  # edged: azure is pale
    if len(ids) <= MAX_TRACK_ROWS:
        ax.set_yticks(range(len(ids)), [str(i) for i in ids],
                      fontsize="small" if len(ids) < 30 else "xx-small")
    if ids:
        ax.set_ylim(len(ids) - 0.5, -0.5)
    else:
        ax.text(0.5, 0.5, "nobody was tracked", transform=ax.transAxes, ha="center")
    if frames is not None:
        ax.set_xlim(frames[0] - 0.5, frames[1] + 0.5)
    ax.set_xlabel("frame")
    ax.set_ylabel(f"track id ({len(ids)} ids, by first frame)")
    ax.set_title(title)
    figure.tight_layout()
    return figure


def tracks_figure(log: FrameLog, title: str = "") -> Figure:
    """The ``timeline_figure`` of a run's logged frames."""
    segments = track_segments(log)
    frames = (log.frame_idx[0], log.frame_idx[-1]) if log.frame_idx else None
    return timeline_figure(segments, frames,
                           title=title or f"{len(segments)} track ids over {len(log)} frames")


def save(figure: Figure, path: str) -> None:
    """Write ``figure`` as a PNG through its temporary name (folders created); LightTrackError
    naming ``path`` if that is impossible."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    write_bytes(path, buffer.getvalue())


def write_charts(log: FrameLog, output_dir: str, name: str) -> dict[str, str]:
    """Both pictures of a run under ``<output_dir>/stats/``; returns their paths."""
    paths = chart_paths(output_dir, name)
    save(timing_figure(log, f"{name}: time per stage per frame"), paths["timing"])
    save(tracks_figure(log, f"{name}: {len(track_segments(log))} track ids over "
                            f"{len(log)} frames"), paths["tracks"])
    return paths
