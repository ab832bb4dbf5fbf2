"""The named pipeline configurations of ``bench/eval_real.py`` and how one runs on a clip.

A ``Row`` names a detector, a pose model, a matcher and a keyframe interval of the LightTracker,
or a ``trackers`` box tracker (ByteTrack, OC-SORT) fed with the same detector and pose model on
every frame. ``build_tracker`` wires a row to cached components (``bench.model_cache``) or, for
timing, to the real ones. A component without weights raises LightTrackError when it is first
needed (a cache miss); the caller skips that row.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from bench.model_cache import CachedDetector, CachedEstimator, ClipCache
from lib import components
from lib.cli import DEMO_COMPONENTS, VIDEO_FPS
from lib.tracker import LightTracker, default

DEFAULT = dict(DEMO_COMPONENTS, keyframe_interval=default("keyframe_interval"))
MATCH_THRESH = default("match_thresh")  # the demos' --pose-matching-threshold


@dataclass(frozen=True)
class Row:
    """One configuration; ``box_tracker`` None is the LightTracker (with its ``association``),
    else "bytetrack"/"ocsort"."""

    name: str
    detector: str = DEFAULT["detector"]
    pose: str = DEFAULT["pose"]
    matcher: str = DEFAULT["matcher"]
    keyframe_interval: int = DEFAULT["keyframe_interval"]
    box_tracker: str | None = None
    association: str = "published"

    @property
    def signature(self) -> str:
        """The configuration without its name (timings are stored under it; the published
        association is left out, so rows measured before the field existed keep theirs)."""
        return ",".join(f"{k}={v}" for k, v in asdict(self).items()
                        if k != "name" and (k, v) != ("association", "published"))


def default_rows() -> list[Row]:
    """The published association with the demos' components, every other detector x pose pair
    of ``lib.components``, keyframe intervals 1 and 10, matchers none and oks (all published
    association), the two ``trackers`` references, and the memory association (the demos'
    default) at keyframe intervals 40, 10 and 1 and with movenet-thunder in float32 and the
    faster movenet-lightning."""
    label = (f"{DEFAULT['detector']}+{DEFAULT['pose']}+{DEFAULT['matcher']}, "
             f"kf {DEFAULT['keyframe_interval']}")
    rows = [Row(f"published association ({label})")]
    for detector in components.names("detector"):
        for pose in components.names("pose"):
            if (detector, pose) != (DEFAULT["detector"], DEFAULT["pose"]):
                rows.append(Row(f"{detector}+{pose}", detector=detector, pose=pose))
    rows += [Row(f"keyframe interval {k}", keyframe_interval=k) for k in (1, 10)]
    rows += [Row(f"matcher {m}", matcher=m) for m in components.names("matcher")
             if m != DEFAULT["matcher"]]
    rows += [Row(f"{kind} (trackers)", box_tracker=kind) for kind in ("bytetrack", "ocsort")]
    rows += [Row(f"default: memory association ({label})", association="memory")]
    rows += [Row(f"memory association, kf {k}", keyframe_interval=k, association="memory")
             for k in (10, 1)]
    rows += [Row(f"memory association, {pose}", pose=pose, association="memory")
             for pose in ("movenet-thunder", "movenet-lightning") if pose != DEFAULT["pose"]]
    return rows


def _matcher(name: str, built: dict):
    if name not in built:
        built[name] = components.build("matcher", name)
    return built[name]


def build_tracker(row: Row, cache: ClipCache | None, matchers: dict,
                  frame_rate: float = VIDEO_FPS):
    """A fresh tracker for ``row``; models behind ``cache`` (None: the real components, loaded
    now). ``matchers``: name -> built matcher, shared between rows; ``frame_rate`` of the clip
    (the box trackers' motion model and track buffer use it)."""
    if cache is None:
        detector = components.build("detector", row.detector)
        estimator = components.build("pose", row.pose)
    else:
        detector, estimator = CachedDetector(row.detector, cache), CachedEstimator(row.pose, cache)
    if row.box_tracker is not None:
        from bench.reference_trackers import BoxTrackerPoses  # imports trackers/supervision
        return BoxTrackerPoses(row.box_tracker, detector, estimator, frame_rate=frame_rate)
    return LightTracker(detector, estimator, _matcher(row.matcher, matchers),
                        keyframe_interval=row.keyframe_interval, match_thresh=MATCH_THRESH,
                        association=row.association, fps=frame_rate)
