"""Track memory (numpy): active and lost tracks with their recent poses, velocity and
appearance; predictions for following, keyframe and newcomer association; expiry in seconds.

The tracker owns the frame loop and the models; this object owns the tracks. Per frame it is
told what happened (``follow``, ``keyframe``, ``newcomers``) and hands out track ids. A lost
track is kept for ``max_lost_seconds`` and may be re-identified at any keyframe or newcomer
check; it is never among the ``active`` tracks a frame reports. Shape letters: N candidates,
M tracks, K keypoints.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lib import geometry
from lib.memory import appearance as appearance_cue
from lib.memory import motion
from lib.memory.assignment import AssignmentParams, FusedAssigner, TrackCues
from matcher.oks import OKSMatcher

DUPLICATE_MARGIN = 0.3  # own-prediction OKS closer than this: the younger duplicate is dropped


@dataclass(frozen=True)
class MemoryParams:
    """The memory mode's named constants (times in seconds, sizes relative to the person).

    max_lost_seconds: how long a track that is not seen can still be re-identified.
    duplicate_oks: two poses with OKS above this are one person. Following: of two such
        followed poses, the track whose pose is further from its own prediction is lost (a box
        that slid onto an occluder); keyframes: a candidate so close to the predicted pose of an
        active track is that track's before the fused cost weighs the rest (``FusedAssigner``).
    appearance_overlap: colours are trusted only where a box overlaps no other followed
        person's box by more than this IoU (an occluder's colours stay out): only then does a
        pose update its track's appearance, and is a followed pose checked against it.
    appearance_refresh_seconds: a followed track's appearance is refreshed (at newcomer checks)
        when its last update is older than this; keyframes update every matched track.
    remember_ratio: a lost track is also forgotten once it has been lost for longer than this
        many times the span it was seen for (at least one frame): evidence decides how long a
        track is remembered, so a box that caught a face or a shadow for two frames does not
        wait for seconds to take a real person's place (None, the default: ``max_lost_seconds``
        only; 1.0 raised the identity switches on the real-pixel set, see README).
    follow_undetected: at a keyframe, an active track that no detection continues is followed
        as between keyframes and stays active while its pose is seen (a detector miss does not
        end it); False: it is lost.
    follow_appearance_gate: between keyframes, a followed pose whose colour histograms are
        further than this from its track's (Bhattacharyya) has slid onto someone else: the
        track is lost (None: no check).
    appearance_check_seconds: how often each followed pose is checked so (0: every frame; a
        check every 0.2 s let a slid track keep the wrong person for up to five frames and
        nearly doubled the identity switches on the real-pixel set).
    check_seconds: period of the newcomer check between keyframes (0: none; 25 fps: 0.2 s is
        every 5th frame, one detector pass where detecting on every frame takes five).
    cover_iou: at a newcomer check, a detection paired one to one with a followed box at
        this IoU or more is that person and is dropped; of the others, a pose with OKS above
        ``duplicate_oks`` to a followed pose is dropped too.
    change_trigger: a scheduled newcomer check runs the detector only when the image changed
        outside the followed boxes since the last check (``lib.memory.newcomers``).
    """

    max_lost_seconds: float = 3.0
    duplicate_oks: float = 0.6
    appearance_overlap: float = 0.1
    appearance_refresh_seconds: float = 0.5
    remember_ratio: float | None = None
    follow_undetected: bool = True
    follow_appearance_gate: float | None = 0.6
    appearance_check_seconds: float = 0.0
    check_seconds: float = 0.2
    cover_iou: float = 0.3
    change_trigger: bool = False
    motion: motion.MotionParams = motion.MotionParams()
    appearance: appearance_cue.AppearanceParams = appearance_cue.AppearanceParams()
    assignment: AssignmentParams = AssignmentParams()


@dataclass
class MemoryTrack:
    """One person's track: last box (xyxy, the box its pose was estimated in) and pose, the
    frame it was last seen, recent (frame, pose) history, velocity in pixels per frame and a
    running appearance descriptor (None until one is seen) with the frame it was last
    updated."""

    track_id: int
    box_xyxy: np.ndarray
    keypoints: np.ndarray
    last_seen: int
    first_seen: int
    frames: list[int] = field(default_factory=list)
    poses: list[np.ndarray] = field(default_factory=list)
    velocity: np.ndarray = field(default_factory=lambda: np.zeros(2))
    appearance: np.ndarray | None = None
    appearance_frame: int = -1
    appearance_checked: int = -1


class TrackMemory:
    """Active and lost tracks of one video; ``reset()`` between videos.

    fps: frames per second of the video (turns the seconds of ``params`` into frames).
    matcher: the pose ``Matcher`` plugged into the fused assignment (None: no matcher cue).
    enlarge_scale: the tracker's box enlargement, for boxes built from predicted poses.
    """

    def __init__(self, matcher=None, params: MemoryParams = MemoryParams(), *, fps: float = 25.0,
                 enlarge_scale: float = 0.2):
        if fps <= 0:
            raise ValueError(f"fps must be > 0, got {fps}")
        self.params, self.fps, self.enlarge_scale = params, float(fps), enlarge_scale
        self.oks = OKSMatcher()
        self.assigner = FusedAssigner(matcher, params.assignment,
                                      appearance_distances=appearance_cue.distances, oks=self.oks,
                                      same_person_oks=params.duplicate_oks)
        self.reset()

    def reset(self) -> None:
        """Forget every track; ids restart at 0."""
        self.active: dict[int, MemoryTrack] = {}
        self.lost: dict[int, MemoryTrack] = {}
        self._next_id = 0

    # ----- predictions
    def predict(self, track: MemoryTrack, frame_idx: int) -> tuple[np.ndarray, np.ndarray]:
        """(keypoints (K, 3), box_xyxy (4,)) where ``track`` is expected at ``frame_idx``."""
        gap = frame_idx - track.last_seen
        ahead = gap if track.track_id in self.active else \
            motion.lost_frames_ahead(gap, self.params.motion, self.fps)
        shift = track.velocity * ahead
        keypoints = motion.predict(track.keypoints, track.velocity, ahead)
        return keypoints, track.box_xyxy + np.concatenate([shift, shift])

    def follow_boxes(self, frame_idx: int, track_ids=None) -> tuple[list[int], np.ndarray]:
        """Track ids of the active tracks (or the given ones) and the boxes (M, 4) xyxy to
        estimate them in at ``frame_idx``: the enlarged extent of the velocity-predicted pose,
        with ``motion.span_last`` also of the last pose (NaN rows where the pose has no usable
        joint)."""
        ids = list(self.active) if track_ids is None else list(track_ids)
        predicted = [self.predict(self.active[t], frame_idx)[0] for t in ids]
        boxes = motion.pose_boxes(np.array(predicted), self.enlarge_scale)
        if self.params.motion.span_last and ids:
            last = motion.pose_boxes(np.array([self.active[t].keypoints for t in ids]),
                              self.enlarge_scale)
            boxes = np.concatenate([np.minimum(boxes[:, :2], last[:, :2]),
                                    np.maximum(boxes[:, 2:], last[:, 2:])], axis=1)
        return ids, boxes

    # ----- what happened this frame
    def follow(self, frame_idx: int, track_ids: list[int], boxes_xyxy: np.ndarray,
               keypoints: np.ndarray, confirmed=(), image: np.ndarray | None = None) -> list[int]:
        """Record the poses (M, K, 3) estimated in ``boxes_xyxy`` for the active ``track_ids``;
        returns the ids that turned out to duplicate another followed track's person, or the
        person of a track in ``confirmed`` (seen in a detection this frame), or (given the
        ``image`` and ``follow_appearance_gate``) whose colours are no longer the track's;
        they are lost."""
        predicted = [self.predict(self.active[t], frame_idx)[0] for t in track_ids]
        duplicates = self._duplicates(track_ids, boxes_xyxy, keypoints, predicted)
        confirmed = [self.active[t] for t in confirmed if t is not None]
        if confirmed and len(track_ids):
            same = self._same_person_as(boxes_xyxy, keypoints, confirmed)
            duplicates |= set(np.flatnonzero(same.any(axis=1)).tolist())
        checked, descriptors = [], None
        if self.params.follow_appearance_gate is not None and image is not None:
            period = self.params.appearance_check_seconds * self.fps
            checked = [row for row, t in enumerate(track_ids)
                       if frame_idx - self.active[t].appearance_checked >= period]
        for row in checked:
            self.active[track_ids[row]].appearance_checked = frame_idx
        if checked:
            descriptors = appearance_cue.describe(image, keypoints[checked],
                                                  self.params.appearance)
            duplicates |= self._changed_appearance(track_ids, boxes_xyxy, checked, descriptors)
        observed = []
        for row, track_id in enumerate(track_ids):
            if row in duplicates:
                self.lose(track_id)
            else:
                observed.append(self.active[track_id])
                self._observe(observed[-1], frame_idx, boxes_xyxy[row], keypoints[row])
        self._update_velocities(observed)
        stale = frame_idx - self.params.appearance_refresh_seconds * self.fps
        refresh = [(self.active[track_ids[row]], descriptor)
                   for row, descriptor in zip(checked, descriptors if checked else [])
                   if row not in duplicates
                   and self.active[track_ids[row]].appearance_frame < stale]
        if refresh:
            self._update_appearance([t for t, _ in refresh], np.array([d for _, d in refresh]))
        return [track_ids[row] for row in sorted(duplicates)]

    def _changed_appearance(self, track_ids, boxes_xyxy, rows, descriptors) -> set[int]:
        """Of ``rows`` (with their descriptors), those further than ``follow_appearance_gate``
        from their track's appearance, among the rows whose box overlaps no other active
        track's box (colours are trusted only where one person is in the box)."""
        crowded = self._crowded(track_ids, boxes_xyxy)
        changed = set()
        for row, descriptor in zip(rows, descriptors):
            track = self.active[track_ids[row]]
            if track.appearance is not None and not crowded[row]:
                distance = appearance_cue.distances(descriptor[None], track.appearance[None])[0, 0]
                if distance > self.params.follow_appearance_gate:
                    changed.add(row)
        return changed

    def keyframe(self, frame_idx: int, image: np.ndarray, boxes_xyxy: np.ndarray,
                 keypoints: np.ndarray) -> list[int]:
        """Associate N candidates with every active and lost track; returns their track ids
        (new ids for the unmatched; None for a candidate whose pose repeats a better one's).
        Active tracks left unmatched stay active: the caller follows or loses them."""
        tracks = list(self.active.values()) + list(self.lost.values())
        return self._associate(frame_idx, image, boxes_xyxy, keypoints, tracks)

    def newcomers(self, frame_idx: int, image: np.ndarray, boxes_xyxy: np.ndarray,
                  keypoints: np.ndarray) -> list[int]:
        """Associate N candidates that continue no followed track with the lost tracks only;
        returns their track ids (re-identified or new), None for a candidate whose pose is a
        followed person's (OKS above ``duplicate_oks``)."""
        boxes = geometry.as_boxes(boxes_xyxy)
        fresh = np.ones(len(boxes), dtype=bool)
        if self.active and len(boxes):
            fresh = ~self._same_person_as(boxes, keypoints, list(self.active.values())).any(axis=1)
        ids: list[int | None] = [None] * len(boxes)
        if fresh.any():
            found = self._associate(frame_idx, image, boxes[fresh], keypoints[fresh],
                                    list(self.lost.values()))
            for row, track_id in zip(np.flatnonzero(fresh), found):
                ids[row] = track_id
        return ids

    def refresh_appearance(self, frame_idx: int, image: np.ndarray) -> None:
        """Update the appearance of the active tracks not updated for
        ``appearance_refresh_seconds`` from their current poses in ``image`` (a track whose
        colours ``follow`` checked on this frame was refreshed there already)."""
        stale = frame_idx - self.params.appearance_refresh_seconds * self.fps
        tracks = [t for t in self.active.values()
                  if t.appearance_frame < stale and t.appearance_checked != frame_idx]
        if tracks:
            descriptors = appearance_cue.describe(image, np.stack([t.keypoints for t in tracks]),
                                                  self.params.appearance)
            self._update_appearance(tracks, descriptors)

    def lose(self, track_id: int) -> None:
        """Move an active track to the lost ones (kept until it expires)."""
        self.lost[track_id] = self.active.pop(track_id)

    def expire(self, frame_idx: int) -> None:
        """Forget lost tracks unseen for more than ``max_lost_seconds`` (or, with
        ``remember_ratio``, for longer than that many times the span they were seen)."""
        for track_id in [t for t, track in self.lost.items()
                         if frame_idx - track.last_seen > self._memory_frames(track)]:
            del self.lost[track_id]

    def _memory_frames(self, track: MemoryTrack) -> float:
        limit = self.params.max_lost_seconds * self.fps
        if self.params.remember_ratio is None:
            return limit
        seen = max(1, track.last_seen - track.first_seen)
        return min(limit, self.params.remember_ratio * seen)

    # ----- internals
    def _associate(self, frame_idx, image, boxes_xyxy, keypoints, tracks) -> list[int | None]:
        """Track ids of the candidates after pose NMS and the fused assignment with ``tracks``
        (new ids for the unmatched, None for the suppressed)."""
        unique = self._unique_poses(boxes_xyxy, keypoints)
        ids: list[int | None] = [None] * len(unique)
        if unique.any():
            found = self._assign(frame_idx, image, geometry.as_boxes(boxes_xyxy)[unique],
                                 np.asarray(keypoints)[unique], tracks)
            for row, track_id in zip(np.flatnonzero(unique), found):
                ids[row] = track_id
        return ids

    def _unique_poses(self, boxes_xyxy, keypoints) -> np.ndarray:
        """(N,) bool: candidates kept by NMS on poses: by mean joint score, a pose with OKS
        above ``duplicate_oks`` to a kept one is the same person (two boxes on one body)."""
        if len(keypoints) < 2:
            return np.ones(len(keypoints), dtype=bool)
        same_person = self._same_person(boxes_xyxy, keypoints, boxes_xyxy, keypoints)
        keep = np.zeros(len(keypoints), dtype=bool)
        keep[geometry.greedy_keep(np.asarray(keypoints)[..., 2].mean(axis=1), same_person)] = True
        return keep

    def _assign(self, frame_idx, image, boxes, keypoints, tracks) -> list[int]:
        descriptors = appearance_cue.describe(image, keypoints, self.params.appearance) \
            if len(boxes) else None
        match = [None] * len(boxes)
        if tracks:
            match = self.assigner.assign(boxes, keypoints, descriptors,
                                         self._cues(tracks, frame_idx))
        ids, observed = [], []
        for row, col in enumerate(match):
            if col is None:
                track = self._new_track(frame_idx, boxes[row], keypoints[row])
            else:
                track = tracks[col]
                self.active[track.track_id] = self.lost.pop(track.track_id, track)
                self._observe(track, frame_idx, boxes[row], keypoints[row])
            ids.append(track.track_id)
            observed.append(track)
        if observed:
            self._update_velocities(observed)
            self._update_appearance(observed, descriptors)
        return ids

    def _cues(self, tracks: list[MemoryTrack], frame_idx: int) -> TrackCues:
        predictions = [self.predict(t, frame_idx) for t in tracks]
        num_bins = (len(appearance_cue.REGIONS), appearance_cue.NUM_BINS)
        return TrackCues(
            boxes_xyxy=np.array([box for _, box in predictions]).reshape(-1, 4),
            keypoints=np.array([kps for kps, _ in predictions]),
            appearance=np.array([t.appearance if t.appearance is not None else np.zeros(num_bins)
                                 for t in tracks]),
            seconds_lost=np.array([0.0 if t.track_id in self.active else
                                   (frame_idx - t.last_seen) / self.fps for t in tracks]))

    def _new_track(self, frame_idx, box_xyxy, keypoints) -> MemoryTrack:
        track = MemoryTrack(self._next_id, box_xyxy, keypoints, frame_idx, frame_idx)
        self._next_id += 1
        self.active[track.track_id] = track
        self._observe(track, frame_idx, box_xyxy, keypoints)
        return track

    def _observe(self, track: MemoryTrack, frame_idx: int, box_xyxy, keypoints) -> None:
        track.box_xyxy = np.asarray(box_xyxy, dtype=np.float64)
        track.keypoints = np.asarray(keypoints, dtype=np.float64)
        track.last_seen = frame_idx
        keep = self._window_frames() + 1  # the poses a velocity can reach back to
        track.frames = (track.frames + [frame_idx])[-keep:]
        track.poses = (track.poses + [track.keypoints])[-keep:]

    def _window_frames(self) -> int:
        """The motion window in frames (at least 1)."""
        return max(1, int(round(self.params.motion.window_seconds * self.fps)))

    def _update_velocities(self, tracks: list[MemoryTrack]) -> None:
        """Each track's velocity from its newest pose and the oldest within the motion window."""
        if not tracks:
            return
        window = self._window_frames()
        refs = [motion.reference_index(t.frames, window) for t in tracks]
        old = np.array([t.poses[r] for t, r in zip(tracks, refs)])
        new = np.array([t.poses[-1] for t in tracks])
        gaps = np.array([t.frames[-1] - t.frames[r] for t, r in zip(tracks, refs)])
        for track, v in zip(tracks, motion.velocities(old, new, gaps, self.params.motion)):
            track.velocity = v

    def _crowded(self, track_ids, boxes_xyxy) -> np.ndarray:
        """(M,) bool: the box overlaps another active track's box by more than
        ``appearance_overlap`` IoU."""
        others = [t for t in self.active.values()]
        overlap = geometry.iou_matrix(boxes_xyxy, [t.box_xyxy for t in others])
        overlap[np.asarray(track_ids)[:, None] == np.array([t.track_id for t in others])[None]] = 0
        return (overlap > self.params.appearance_overlap).any(axis=1)

    def _update_appearance(self, tracks: list[MemoryTrack], descriptors: np.ndarray) -> None:
        """Blend each track's descriptor with its observation when its box is apart from
        every other active track's box."""
        crowded = self._crowded([t.track_id for t in tracks], [t.box_xyxy for t in tracks])
        for track, descriptor, alone in zip(tracks, descriptors, ~crowded):
            if alone and descriptor.sum() > 0:
                track.appearance = appearance_cue.update(track.appearance, descriptor,
                                                         self.params.appearance.update_rate)
                track.appearance_frame = track.last_seen

    def _same_person(self, boxes_xyxy, keypoints, other_boxes, other_keypoints) -> np.ndarray:
        """(N, M) bool: the poses are one person (OKS above ``duplicate_oks``)."""
        oks = 1.0 - self.oks.distances(boxes_xyxy, keypoints, other_boxes, other_keypoints)
        return oks > self.params.duplicate_oks

    def _same_person_as(self, boxes_xyxy, keypoints, tracks: list[MemoryTrack]) -> np.ndarray:
        """(N, len(tracks)) bool: ``_same_person`` against the tracks' last poses."""
        return self._same_person(boxes_xyxy, keypoints, np.array([t.box_xyxy for t in tracks]),
                                 np.array([t.keypoints for t in tracks]))

    def _duplicates(self, track_ids, boxes_xyxy, keypoints, predicted) -> set[int]:
        """Rows whose pose is the same person as another row's (OKS above ``duplicate_oks``):
        of each such pair, the one clearly further from its own prediction (OKS lower by
        ``DUPLICATE_MARGIN``), else the younger track."""
        if len(keypoints) < 2:
            return set()
        pairs = np.argwhere(np.triu(self._same_person(boxes_xyxy, keypoints, boxes_xyxy,
                                                      keypoints), k=1))
        if len(pairs) == 0:
            return set()
        own = {}
        for row in set(pairs.ravel().tolist()):
            own[row] = 1.0 - self.oks.distances(boxes_xyxy[row:row + 1], keypoints[row:row + 1],
                                                boxes_xyxy[row:row + 1], predicted[row][None])[0, 0]
        dropped: set[int] = set()
        for a, b in pairs.tolist():
            if a not in dropped and b not in dropped:
                if abs(own[a] - own[b]) > DUPLICATE_MARGIN:
                    dropped.add(a if own[a] < own[b] else b)
                else:
                    age = [(self.active[track_ids[r]].first_seen, track_ids[r]) for r in (a, b)]
                    dropped.add(a if age[0] > age[1] else b)
        return dropped
