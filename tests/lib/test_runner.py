"""The frame loop and the published statistics block (SPEC §1.13)."""
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
