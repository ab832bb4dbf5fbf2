"""The frame loop and the published statistics block (SPEC §1.13)."""
import time

import pytest

from lib.runner import Frame, Statistics, run
from lib.tracker import LightTracker
from tests.conftest import ReplayDetector, ReplayEstimator, World, make_frame


class ListSink:
    def __init__(self):
        self.results, self.closed = [], False

    def write(self, frame, result):
        self.results.append((frame.index, [p.track_id for p in result.persons]))

    def close(self):
        self.closed = True


def test_run_feeds_sinks_and_counts(walking_world):
    sink = ListSink()
    tracker = LightTracker(ReplayDetector(walking_world), ReplayEstimator(walking_world),
                           keyframe_interval=10)
    stats = run(tracker, (Frame(t, make_frame(t)) for t in range(25)), [sink])
    assert sink.closed and len(sink.results) == 25 and sink.results[-1] == (24, [0, 1])
    assert stats.num_frames == 25 and stats.num_persons == 50
    assert 0 < stats.time_det + stats.time_pose < stats.time_all


def test_sinks_closed_when_the_source_fails(walking_world):
    def frames():
        yield Frame(0, make_frame(0))
        raise KeyboardInterrupt
    sink = ListSink()
    tracker = LightTracker(ReplayDetector(walking_world), ReplayEstimator(walking_world))
    with pytest.raises(KeyboardInterrupt):
        run(tracker, frames(), [sink])
    assert sink.closed and len(sink.results) == 1


def test_report_order_and_format():
    stats = Statistics(time_all=20.0, time_det=2.0, time_pose=8.0, num_frames=300, num_persons=600)
    assert stats.report().splitlines() == [
        "total_time_ALL: 20.00s", "total_time_DET: 2.00s", "total_time_POSE: 8.00s",
        "total_time_LIGHTTRACK: 10.00s", "total_num_FRAMES: 300", "total_num_PERSONS: 600", "",
        "Average FPS: 15.00fps", "Average FPS excluding Pose Estimation: 25.00fps",
        "Average FPS excluding Detection: 16.67fps", "Average FPS for framework only: 30.00fps"]


def test_empty_world_runs_to_a_valid_empty_result():
    world = World({})
    stats = run(LightTracker(ReplayDetector(world), ReplayEstimator(world)),
                (Frame(t, make_frame(t)) for t in range(3)))
    assert stats.num_frames == 3 and stats.num_persons == 0


def test_per_frame_log_follows_the_results(walking_world):
    # a live source kept frames 0, 1, 4, 5, 9: the skips reach the tracker and the log
    kept, captured = [0, 1, 4, 5, 9], time.perf_counter() - 100.0
    frames = (Frame(t, make_frame(t), captured_at=captured, frames_skipped=t - previous - 1)
              for previous, t in zip([-1] + kept, kept))
    sink = ListSink()
    tracker = LightTracker(ReplayDetector(walking_world), ReplayEstimator(walking_world),
                           keyframe_interval=4)
    log = run(tracker, frames, [sink]).per_frame
    assert log.frame_idx == kept and [index for index, _ in sink.results] == kept
    assert log.is_keyframe == [True, False, True, False, True]  # 4 and 8 were due (8 dropped)
    assert log.track_ids == [ids for _, ids in sink.results] == [[0, 1]] * 5
    assert log.frames_skipped == [0, 0, 2, 0, 3] and log.num_dropped == 5
    assert log.stage_seconds().shape == (5, 5) and (log.stage_seconds() >= 0).all()
    assert min(log.latency) >= 100.0  # measured from the source's capture time
    assert log.report().splitlines()[1] == "dropped_frames: 5 of 10"


def test_stats_given_by_the_caller_keep_the_frames_before_an_interrupt(walking_world):
    def frames():
        yield Frame(0, make_frame(0))
        yield Frame(1, make_frame(1))
        raise KeyboardInterrupt
    stats = Statistics()
    tracker = LightTracker(ReplayDetector(walking_world), ReplayEstimator(walking_world))
    with pytest.raises(KeyboardInterrupt):
        run(tracker, frames(), stats=stats)
    assert stats.num_frames == 2 and stats.per_frame.frame_idx == [0, 1]


def test_a_sink_that_stops_the_run_leaves_the_frame_counted_and_logged(walking_world):
    class StopAtSecond(ListSink):
        def write(self, frame, result):
            super().write(frame, result)
            if frame.index == 2:
                raise KeyboardInterrupt
    stats, sink = Statistics(), StopAtSecond()
    frames = [Frame(t, make_frame(t), frames_skipped=int(t > 0)) for t in (0, 2, 4)]
    tracker = LightTracker(ReplayDetector(walking_world), ReplayEstimator(walking_world))
    with pytest.raises(KeyboardInterrupt):
        run(tracker, frames, [sink], stats=stats)
    assert sink.closed and stats.num_frames == len(stats.per_frame) == 2
    assert stats.per_frame.num_dropped == 1
