"""Video-file batch without Ray: inputs to jobs, serial tracking with the blob fakes, a bad video
among good ones, the summary table, rerun skips, and the real components against the demo."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import demo_video_mobile
import track_videos
from lib.batch.parallel import BatchRun, VideoResult, run_videos, start_ray, worker_pool
from lib.batch.videos import DemoComponents, VideoFilesRun, video_jobs, video_paths
from lib.cli import run_main
from lib.errors import LightTrackError
from tests.lib.batch.blob_videos import BlobModels, blob_videos, write_blob_video

ROOT = Path(__file__).resolve().parents[3]
SPEC = VideoFilesRun(BlobModels(), keyframe_interval=5)


def test_inputs_become_jobs(tmp_path):
    clips = blob_videos(tmp_path, 3)
    (tmp_path / "notes.md").write_text("not a video")
    listing = tmp_path / "list.txt"
    listing.write_text(f"# two clips\n{clips[2]}\n\n{clips[0]}  # first\n")
    assert video_paths([str(tmp_path)]) == clips
    assert video_paths([str(listing), clips[1]]) == [clips[2], clips[0], clips[1]]
    jobs = video_jobs(clips[:2], "out")
    assert [(j.name, j.source, j.out_path) for j in jobs] == [
        ("clip0", clips[0], os.path.join("out", "clip0.json")),
        ("clip1", clips[1], os.path.join("out", "clip1.json"))]
    with pytest.raises(LightTrackError, match="would both write clip0.json"):
        video_jobs([clips[0], str(tmp_path / "other" / "clip0.avi")], "out")
    with pytest.raises(LightTrackError, match="no such video"):
        video_paths([str(tmp_path / "missing.mp4")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(LightTrackError, match="no video files"):
        video_paths([str(tmp_path / "empty")])


def test_serial_batch_tracks_every_clip_and_reports_a_bad_one(tmp_path):
    clips = blob_videos(tmp_path, 3)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all")
    jobs = video_jobs([clips[0], str(broken), *clips[1:]], str(tmp_path / "out"))
    batch = run_videos(jobs, SPEC, progress=False)
    assert batch.status == {"clip0": "done", "broken": "failed", "clip1": "done", "clip2": "done"}
    assert "not a video OpenCV can decode" in batch.failed[0].error
    assert not (tmp_path / "out" / "broken.json").exists()
    persons = 0
    for clip, people in zip(("clip0", "clip1", "clip2"), (1, 2, 3)):
        frames = json.loads((tmp_path / "out" / f"{clip}.json").read_text())
        assert len(frames) == {"clip0": 12, "clip1": 15, "clip2": 18}[clip]
        ids = {c["track_id"] for f in frames for c in f["candidates"] if "track_id" in c}
        assert ids == set(range(people))  # every block keeps its one id
        persons += sum("track_id" in c for f in frames for c in f["candidates"])
    total = batch.summary().splitlines()[-2].split()
    assert total[:6] == ["total", "(wall", "clock)", "3", "45", str(persons)]
    assert batch.summary().splitlines()[-1] == "3 videos tracked, 0 already finished, 1 failed"
    again = run_videos(jobs, SPEC, progress=False)
    assert again.status == {"clip0": "skipped", "broken": "failed", "clip1": "skipped",
                            "clip2": "skipped"}


def test_models_that_cannot_load_stop_the_batch(tmp_path):
    jobs = video_jobs(blob_videos(tmp_path, 2), str(tmp_path / "out"))
    with pytest.raises(LightTrackError, match="unknown detector 'nope'"):
        run_videos(jobs, VideoFilesRun(DemoComponents(detector="nope")), progress=False)
    assert not (tmp_path / "out" / "clip0.json").exists()


def test_summary_per_worker():
    batch = BatchRun([VideoResult("a", "done", 10, 20, 2.0, 1.0, "h:1"),
                      VideoResult("b", "done", 30, 5, 3.0, 0.0, "h:1"),
                      VideoResult("c", "done", 20, 0, 4.0, 1.5, "h:2"),
                      VideoResult("d", "skipped"), VideoResult("e", "failed", error="x")], 5.0)
    lines = [line.split() for line in batch.summary().splitlines()]
    assert lines[1] == ["h:1", "2", "40", "25", "1.00", "5.00", "8.00"]
    assert lines[2] == ["h:2", "1", "20", "0", "1.50", "4.00", "5.00"]
    assert lines[3] == ["total", "(wall", "clock)", "3", "60", "25", "2.50", "5.00", "12.00"]
    assert [r.name for r in batch.failed] == ["e"]


def test_serial_path_never_imports_ray(tmp_path):
    code = ("import sys; from lib.batch.parallel import run_videos, worker_pool; "
            "from lib.batch.videos import VideoFilesRun, video_jobs; "
            "from tests.lib.batch.blob_videos import BlobModels, blob_videos; "
            f"jobs = video_jobs(blob_videos({str(tmp_path)!r}, 1), {str(tmp_path / 'out')!r})\n"
            "with worker_pool(0) as pool:\n"
            "    batch = run_videos(jobs, VideoFilesRun(BlobModels()), pool=pool, progress=False)\n"
            "print(batch.status, 'ray' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "{'clip0': 'done'} False"


def test_negative_workers_is_one_line(tmp_path, capsys):
    clip = blob_videos(tmp_path, 1)[0]
    assert run_main(lambda: track_videos.main([clip, "--workers", "-1", "--quiet"])) == 1
    assert capsys.readouterr().err == "error: --workers must be >= 0, got -1\n"
    with pytest.raises(LightTrackError):
        with worker_pool(-2):
            pass


@pytest.mark.slow
def test_script_matches_the_video_demo(tmp_path, capsys):
    """The batch tracks a clip as the video demo does (same components and settings)."""
    sample = ROOT / "data" / "demo" / "sample.mp4"
    flags = ["--max-frames", "6", "--matcher", "oks"]
    assert demo_video_mobile.main(["--video", str(sample), "--output", str(tmp_path / "demo"),
                                   "--no-visualize", *flags]) == 0
    assert run_main(lambda: track_videos.main([str(sample), str(tmp_path / "missing.avi"),
                                               "--output", str(tmp_path / "batch")])) == 1
    assert "missing.avi: no such video" in capsys.readouterr().err  # before any tracking
    assert not (tmp_path / "batch").exists()
    assert track_videos.main([str(sample), "--workers", "0", "--output", str(tmp_path / "batch"),
                              "--quiet", *flags]) == 0
    assert "1 videos tracked, 0 already finished, 0 failed" in capsys.readouterr().out
    assert (tmp_path / "batch" / "sample.json").read_bytes() == \
        (tmp_path / "demo" / "jsons" / "sample.json").read_bytes()


def test_ctrl_c_in_a_video_keeps_the_finished_ones(tmp_path):
    clips = blob_videos(tmp_path, 2)
    stopper = write_blob_video(tmp_path / "stopper.mp4", 8, [(10, 10)], 1, size=(200, 120))
    jobs = video_jobs([clips[0], stopper, clips[1]], str(tmp_path / "out"))
    with pytest.raises(KeyboardInterrupt):
        run_videos(jobs, VideoFilesRun(BlobModels(trap_width=200, trap="interrupt")),
                   progress=False)
    assert sorted(os.listdir(tmp_path / "out")) == ["clip0.json", "stopper.json.partial"]
    rerun = run_videos(jobs, SPEC, progress=False)
    assert rerun.status == {"clip0": "skipped", "stopper": "done", "clip1": "done"}


def test_ray_that_does_not_start_is_tried_twice_then_one_line(monkeypatch):
    import ray
    calls = []

    def failing_init(**options):
        calls.append(options)
        raise RuntimeError("raylet exited")
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", failing_init)
    monkeypatch.setattr(ray, "shutdown", lambda: None)
    with pytest.raises(LightTrackError, match=r"could not start Ray \(RuntimeError: raylet "
                       r"exited\); without Ray: --workers 0"):
        start_ray(2, None)
    assert len(calls) == 2 and calls[0]["num_cpus"] == 2 and not calls[0]["log_to_driver"]
    with pytest.raises(LightTrackError, match="could not join the Ray cluster at head:6379"):
        start_ray(None, "head:6379")
    assert len(calls) == 3 and calls[2]["address"] == "head:6379"
