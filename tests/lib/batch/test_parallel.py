"""The batch on Ray workers (one Ray session for the module): outputs identical to the serial
run's, a worker that dies is retried then reported, a rerun after the crash or after Ctrl-C
skips finished videos, and the PoseTrack script with --workers 2."""
import os
from pathlib import Path

import pytest

import process_posetrack18_with_lighttrack_MSRA152 as process_script
from lib.batch.parallel import (PARTIAL_SUFFIX, Progress, RayPool, run_videos, start_ray,
                                worker_label, worker_pool)
from lib.batch.videos import VideoFilesRun, video_jobs
from tests.conftest import TINY_VIDEOS
from tests.lib.batch.blob_videos import BlobModels, blob_videos, write_blob_video

pytestmark = pytest.mark.slow
SPEC = VideoFilesRun(BlobModels(), keyframe_interval=5)


@pytest.fixture(scope="module")
def ray_session():
    """Ray started once for this module with 2 CPUs; pools join it and leave it running."""
    import ray
    assert start_ray(2, None)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """Four short clips and their serial outputs (the reference)."""
    folder = tmp_path_factory.mktemp("clips")
    paths = blob_videos(folder, 4)
    serial = run_videos(video_jobs(paths, str(folder / "serial")), SPEC, progress=False)
    assert serial.status == dict.fromkeys(["clip0", "clip1", "clip2", "clip3"], "done")
    return folder, paths


def _same_outputs(folder_a: Path, folder_b: Path, names) -> None:
    for name in names:
        assert (folder_a / f"{name}.json").read_bytes() == (folder_b / f"{name}.json").read_bytes()


def test_two_workers_write_what_the_serial_run_writes(ray_session, clips):
    folder, paths = clips
    with worker_pool(2) as pool:
        batch = run_videos(video_jobs(paths, str(folder / "ray")), SPEC, pool=pool,
                           progress=False)
        assert isinstance(pool, RayPool)
    assert batch.status == dict.fromkeys(["clip0", "clip1", "clip2", "clip3"], "done")
    workers = {r.worker for r in batch.results}
    assert len(workers) == 2 and worker_label() not in workers  # both actors, not this process
    assert sum(r.frames for r in batch.results) == 12 + 15 + 18 + 21
    _same_outputs(folder / "serial", folder / "ray", ["clip0", "clip1", "clip2", "clip3"])
    assert sorted(os.listdir(folder / "ray")) == [f"clip{i}.json" for i in range(4)]


def test_a_dying_worker_is_retried_then_reported_and_a_rerun_finishes(ray_session, clips):
    folder, paths = clips
    killer = write_blob_video(folder / "crash.mp4", 8, [(10, 10)], 1, size=(200, 120))
    jobs = video_jobs([paths[0], killer, *paths[1:]], str(folder / "crash_run"))
    with worker_pool(2) as pool:
        crashed = run_videos(jobs, VideoFilesRun(BlobModels(trap_width=200), keyframe_interval=5),
                             pool=pool, progress=False)
        assert crashed.status == {"clip0": "done", "clip1": "done", "clip2": "done",
                                  "clip3": "done", "crash": "failed"}
        assert crashed.failed[0].error == "its worker process died while tracking it (2 attempts)"
        assert not (folder / "crash_run" / "crash.json").exists()
        assert any(n.startswith(f"crash.json{PARTIAL_SUFFIX}")  # lost in flight
                   for n in os.listdir(folder / "crash_run"))
        _same_outputs(folder / "serial", folder / "crash_run", ["clip0", "clip1", "clip2", "clip3"])
        marker = folder / "crash_run" / "clip1.json"
        marker.write_text("[]")  # a finished video is never redone
        rerun = run_videos(jobs, VideoFilesRun(BlobModels(), keyframe_interval=5), pool=pool,
                           progress=False)
    assert rerun.status == {"clip0": "skipped", "crash": "done", "clip1": "skipped",
                            "clip2": "skipped", "clip3": "skipped"}
    assert marker.read_text() == "[]"
    assert sorted(os.listdir(folder / "crash_run")) == sorted(
        ["crash.json"] + [f"clip{i}.json" for i in range(4)])


def test_posetrack_script_on_two_workers(ray_session, tiny_posetrack, tmp_path, capsys):
    common = ["--data-root", str(tiny_posetrack), "--pose", "oracle", "--matcher", "oks",
              "--quiet", "-e", "det"]
    assert process_script.main([*common, "--workers", "0",
                                "--output", str(tmp_path / "serial")]) == 0
    assert process_script.main([*common, "--workers", "2", "--output", str(tmp_path / "ray")]) == 0
    table = capsys.readouterr().out.split("outputs in")[1].splitlines()
    assert len([line for line in table if line.startswith(os.uname().nodename)]) == 2
    _same_outputs(tmp_path / "serial", tmp_path / "ray", TINY_VIDEOS)


def test_ctrl_c_keeps_finished_videos_and_a_rerun_does_the_rest(ray_session, clips, monkeypatch):
    """Ctrl-C right after the first video finishes, while a slow one is in flight."""
    folder, paths = clips
    slow = write_blob_video(folder / "slow.mp4", 20, [(10, 10)], 1, size=(200, 120))  # >= 2 min
    jobs = video_jobs([slow, *paths[:3]], str(folder / "ctrl_c"))  # slow goes to one worker first

    def interrupt(self, result):
        raise KeyboardInterrupt
    with monkeypatch.context() as patch:
        patch.setattr(Progress, "video_done", interrupt)
        with pytest.raises(KeyboardInterrupt), worker_pool(2) as pool:
            run_videos(jobs, VideoFilesRun(BlobModels(trap_width=200, trap="sleep"),
                                           keyframe_interval=5), pool=pool, progress=False)
    assert pool._actors == []  # the workers were stopped
    left = {n for n in os.listdir(folder / "ctrl_c")  # the slow one's, if it had begun
            if not n.startswith(f"slow.json{PARTIAL_SUFFIX}")}
    assert left == {"clip0.json"}
    with worker_pool(2) as pool:
        rerun = run_videos(jobs, SPEC, pool=pool, progress=False)
    assert rerun.status == {"clip0": "skipped", "slow": "done", "clip1": "done", "clip2": "done"}
    _same_outputs(folder / "serial", folder / "ctrl_c", ["clip0", "clip1", "clip2"])
