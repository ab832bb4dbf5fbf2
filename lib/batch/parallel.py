"""Batch scheduling over whole videos: in this process, or on Ray actors on one machine or a
cluster (Ray is imported only when workers are asked for; no other framework).

A batch is a list of ``VideoJob``s and a pipeline spec: a small picklable object with
``models`` (a hashable value whose ``load()`` builds the components; each process loads them
once and keeps them while the next spec names the same models) and
``track(loaded, job, progress) -> lib.runner.Statistics`` (track one whole video into
``job.out_path``, calling ``progress.update(1)`` per frame). ``lib.batch.process.PoseTrackRun``
and ``lib.batch.videos.VideoFilesRun`` are the two pipelines. Each video is written under a
temporary name and renamed when finished (``partial_file``), so an interruption loses only the
videos in flight and a rerun skips finished ones. A video that fails is reported and the others
go on; a video whose worker process dies is retried once on a fresh worker, then reported.
Models that cannot be loaded and outputs that cannot be written (a full disk) stop the batch.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass

from tqdm import tqdm

from lib.errors import LightTrackError, one_line
from lib.outputs import WriteError, replace

log = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".partial"  # a video's output while it is being written
ATTEMPTS = 2                 # tries per video when its worker process dies (a crash, a kill)
POLL_SECONDS = 0.5           # how often the driver asks Ray workers for their frame counts
OBJECT_STORE_BYTES = 128 * 2**20  # embedded Ray: only small specs and results travel


@dataclass(frozen=True)
class VideoJob:
    """One video to track: its name (output key), input path and final output path."""

    name: str
    source: str
    out_path: str


@dataclass(frozen=True)
class VideoResult:
    """How one video went: status "done", "skipped" (finished earlier) or "failed" (with a
    one-line ``error``); frames and persons tracked, seconds spent tracking and loading models,
    and the worker (host:pid) that ran it. ``fatal``: no later video can succeed either (the
    models did not load, an output could not be written), so the batch stops."""

    name: str
    status: str
    frames: int = 0
    persons: int = 0
    seconds: float = 0.0
    load_seconds: float = 0.0
    worker: str = ""
    error: str = ""
    fatal: bool = False


@contextmanager
def partial_file(out_path: str):
    """Yield the temporary path to write ``out_path`` under; renamed to ``out_path`` only when
    the block finishes without an error."""
    partial = out_path + PARTIAL_SUFFIX
    yield partial
    replace(partial, out_path)


def error_line(err: BaseException) -> str:
    """A video's error as one line: bad input's message, else the exception type too."""
    if isinstance(err, (LightTrackError, OSError)):
        return one_line(err)
    return f"{type(err).__name__}: {one_line(err)}"


def worker_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def track_one(cache: dict, spec, job: VideoJob, progress) -> VideoResult:
    """Track one video with ``spec`` in this process (the per-video step of every pool).

    ``cache`` holds the loaded models of the last spec (models -> loaded); an error becomes a
    "failed" result, so one bad video does not stop the others."""
    start = time.perf_counter()
    try:
        if spec.models not in cache:
            cache.clear()
            cache[spec.models] = spec.models.load()
    except Exception as err:  # noqa: BLE001 - reported by the driver, which stops the batch
        return VideoResult(job.name, "failed", worker=worker_label(), error=error_line(err),
                           fatal=True)
    loaded_at = time.perf_counter()
    try:
        stats = spec.track(cache[spec.models], job, progress)
    except Exception as err:  # noqa: BLE001 - one bad video does not stop the rest
        log.debug("video %s failed", job.name, exc_info=True)
        return VideoResult(job.name, "failed", worker=worker_label(), error=error_line(err),
                           fatal=isinstance(err, WriteError))
    return VideoResult(job.name, "done", stats.num_frames, stats.num_persons,
                       time.perf_counter() - loaded_at, loaded_at - start, worker_label())


class _Counter:
    """Frames done of the video in flight, with tqdm's ``update``."""

    def __init__(self):
        self.name, self.count = "", 0

    def update(self, n: int = 1) -> None:
        self.count += n


class Worker:
    """A Ray actor's body: tracks whole videos, loading models once, counting frames done."""

    def __init__(self):
        self._cache, self._frames = {}, _Counter()

    def track(self, spec, job: VideoJob) -> VideoResult:
        self._frames.name, self._frames.count = job.name, 0
        return track_one(self._cache, spec, job, self._frames)

    def frames_done(self) -> tuple[str, int]:
        """(video in flight, its frames tracked so far), asked while ``track`` runs."""
        return self._frames.name, self._frames.count


class Progress:
    """The driver's two bars: videos (done, skipped or failed) and frames tracked."""

    def __init__(self, total_videos: int, enabled: bool):
        self.enabled = enabled
        self.videos = tqdm(total=total_videos, desc="videos", unit="video", disable=not enabled)
        self.frames = tqdm(desc="frames", unit="frame", disable=not enabled)

    def note(self, message: str) -> None:
        """A line above the bars (logged instead when they are off)."""
        if self.enabled:
            self.videos.write(message)
        else:
            log.info(message)

    def video_done(self, result: VideoResult) -> None:
        self.videos.update(1)
        if result.status == "failed":
            self.note(f"{result.name}: failed: {result.error}")

    def close(self) -> None:
        self.videos.close()
        self.frames.close()


class SerialPool:
    """Tracks the videos one after the other in this process (``--workers 0``)."""

    def __init__(self):
        self._cache = {}

    def run(self, jobs: list[VideoJob], spec, bars: Progress) -> list[VideoResult]:
        results = []
        for job in jobs:
            results.append(_checked(track_one(self._cache, spec, job, bars.frames)))
            bars.video_done(results[-1])
        return results

    def close(self) -> None:
        self._cache.clear()


def _checked(result: VideoResult) -> VideoResult:
    """The result, unless no later video can succeed: then stop the batch with its error."""
    if result.fatal:
        raise LightTrackError(result.error)
    return result


def start_ray(workers: int | None, address: str | None) -> bool:
    """Start Ray embedded (``num_cpus=workers``; a second try if its processes fail to come up,
    as they rarely do on a loaded machine) or join ``address``; False if it was running."""
    import ray
    if ray.is_initialized():
        return False
    quiet = {"log_to_driver": False, "logging_level": logging.ERROR}
    if not address:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report from a local run
    for attempt in range(1 if address else 2):
        try:
            if address:
                ray.init(address=address, **quiet)
            else:
                ray.init(num_cpus=workers or os.cpu_count(), include_dashboard=False,
                         object_store_memory=OBJECT_STORE_BYTES, **quiet)
            return True
        except Exception as err:  # noqa: BLE001 - Ray raises several types here
            ray.shutdown()
            failure = err
            log.info("Ray did not start (attempt %d): %s", attempt + 1, error_line(err))
    where = f"join the Ray cluster at {address}" if address else "start Ray"
    raise LightTrackError(f"could not {where} ({error_line(failure)}); "
                          "without Ray: --workers 0")


class RayPool:
    """Ray actors (one CPU each) that each track whole videos; started on first use.

    workers: number of actors (None: one per CPU of the machine, or of the cluster joined at
    ``address``). Ray is started embedded unless it runs already or ``address`` is given, and
    shut down by ``close`` when this pool started it."""

    def __init__(self, workers: int | None = None, address: str | None = None):
        self.workers, self.address = workers, address
        self._actors: list = []
        self._shown: list[int] = []  # frames of each actor's video in flight already on the bar
        self._owner = self._started = False

    def start(self) -> None:
        """Start or join Ray (once); the first run does it when not called before."""
        if self._started:
            return
        import ray
        self._owner, self._started = start_ray(self.workers, self.address), True
        if self.workers is None:
            self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))

    def _new_actor(self):
        import ray
        return ray.remote(num_cpus=1, max_concurrency=2)(Worker).remote()

    def run(self, jobs: list[VideoJob], spec, bars: Progress) -> list[VideoResult]:
        import ray
        from ray.exceptions import RayActorError, RayTaskError
        self.start()
        while len(self._actors) < min(self.workers, len(jobs)):
            self._actors.append(self._new_actor())
            self._shown.append(0)
        queue = deque((job, 1) for job in jobs)
        running, idle, results = {}, list(range(len(self._actors))), []
        in_flight = [""] * len(self._actors)  # video name per actor
        polled = time.monotonic()
        while queue or running:
            while idle and queue:
                index = idle.pop()
                job, attempt = queue.popleft()
                running[self._actors[index].track.remote(spec, job)] = (index, job, attempt)
                in_flight[index], self._shown[index] = job.name, 0
            done, _ = ray.wait(list(running), num_returns=1, timeout=POLL_SECONDS)
            for ref in done:
                index, job, attempt = running.pop(ref)
                idle.append(index)
                in_flight[index] = ""
                try:
                    result = _checked(ray.get(ref))
                except RayTaskError as err:  # e.g. the spec cannot be unpickled on that node
                    result = VideoResult(job.name, "failed", error=error_line(err.cause or err))
                except RayActorError:
                    self._replace(index)
                    if attempt < ATTEMPTS:
                        bars.note(f"{job.name}: its worker died, retrying on a fresh one")
                        queue.appendleft((job, attempt + 1))
                        continue
                    result = VideoResult(job.name, "failed", error=f"its worker process died "
                                         f"while tracking it ({attempt} attempts)")
                results.append(result)
                bars.frames.update(max(0, result.frames - self._shown[index]))
                bars.video_done(result)
            if running and time.monotonic() - polled >= POLL_SECONDS:
                self._count_frames(bars, in_flight)
                polled = time.monotonic()
        return results

    def _replace(self, index: int) -> None:
        """A fresh actor in place of a dead one."""
        self._actors[index] = self._new_actor()

    def _count_frames(self, bars: Progress, in_flight: list[str]) -> None:
        """Add the frames tracked since the last poll of each actor's video to the frames bar."""
        import ray
        from ray.exceptions import GetTimeoutError, RayActorError
        refs = {i: self._actors[i].frames_done.remote() for i, name in enumerate(in_flight) if name}
        for index, ref in refs.items():
            try:
                name, count = ray.get(ref, timeout=POLL_SECONDS)
            except (GetTimeoutError, RayActorError):
                continue
            if name == in_flight[index] and count > self._shown[index]:
                bars.frames.update(count - self._shown[index])
                self._shown[index] = count

    def close(self) -> None:
        """Stop the actors (videos in flight keep only their partial files) and Ray if this
        pool started it."""
        if not self._started:
            return
        import ray
        for actor in self._actors:
            ray.kill(actor)
        self._actors, self._shown = [], []
        if self._owner:
            ray.shutdown()
        self._started = False


@contextmanager
def worker_pool(workers: int | None = None, address: str | None = None):
    """A ``SerialPool`` for ``workers == 0`` (Ray is never imported), else a ``RayPool`` of
    ``workers`` actors (None: one per CPU); closed when the block ends, also on Ctrl-C."""
    if workers is not None and workers < 0:
        raise LightTrackError(f"--workers must be >= 0, got {workers}")
    pool = SerialPool() if workers == 0 else RayPool(workers, address)
    try:
        yield pool
    finally:
        pool.close()


@dataclass
class BatchRun:
    """The results of a batch, in the order the videos finished, and its wall-clock seconds."""

    results: list[VideoResult]
    wall_seconds: float

    @property
    def status(self) -> dict[str, str]:
        """video name -> "done", "skipped" or "failed"."""
        return {r.name: r.status for r in self.results}

    @property
    def failed(self) -> list[VideoResult]:
        return [r for r in self.results if r.status == "failed"]

    def summary(self) -> str:
        """A table per worker and in total: videos, frames, persons, seconds loading models and
        tracking, and frames/s (a worker's over its tracking time, the total over the
        wall-clock time of the whole batch)."""
        rows, tracked = {}, [r for r in self.results if r.status == "done"]
        for r in tracked:
            row = rows.setdefault(r.worker, [0, 0, 0, 0.0, 0.0])
            for i, value in enumerate((1, r.frames, r.persons, r.load_seconds, r.seconds)):
                row[i] += value
        total = [len(tracked), sum(r.frames for r in tracked), sum(r.persons for r in tracked),
                 sum(r.load_seconds for r in tracked), self.wall_seconds]
        lines = [f"{'worker':<24} {'videos':>6} {'frames':>7} {'persons':>7} {'load s':>7} "
                 f"{'track s':>8} {'frames/s':>8}"]
        for name, (videos, frames, persons, load, seconds) in [*sorted(rows.items()),
                                                               ("total (wall clock)", total)]:
            fps = frames / seconds if seconds > 0 else 0.0
            lines.append(f"{name:<24} {videos:>6} {frames:>7} {persons:>7} {load:>7.2f} "
                         f"{seconds:>8.2f} {fps:>8.2f}")
        skipped = sum(r.status == "skipped" for r in self.results)
        lines.append(f"{len(tracked)} videos tracked, {skipped} already finished, "
                     f"{len(self.failed)} failed")
        return "\n".join(lines)


def run_videos(jobs: list[VideoJob], spec, *, pool=None, progress: bool = True) -> BatchRun:
    """Track every job whose output does not exist yet with ``spec`` on ``pool`` (default: a
    ``SerialPool``), output folders created; finished ones are "skipped". Failed videos are
    in the result, never raised; LightTrackError if the models cannot be loaded or an output
    cannot be written (then the batch stops: no later video could succeed)."""
    start = time.perf_counter()
    skipped = [VideoResult(j.name, "skipped") for j in jobs if os.path.exists(j.out_path)]
    todo = [j for j in jobs if not os.path.exists(j.out_path)]
    for result in skipped:
        log.info("%s already finished, skipped", result.name)
    for folder in sorted({os.path.dirname(j.out_path) for j in todo}):
        os.makedirs(folder or ".", exist_ok=True)
    pool = pool if pool is not None else SerialPool()
    bars = Progress(len(jobs), progress)
    bars.videos.update(len(skipped))
    try:
        results = pool.run(todo, spec, bars) if todo else []
    finally:
        bars.close()
    return BatchRun(skipped + results, time.perf_counter() - start)


def add_worker_args(parser) -> None:
    """Add --workers (default None: one per core) and --address."""
    parser.add_argument("--workers", type=int, metavar="N",
                        help="Ray workers, each tracking whole videos; 0: no Ray, one video after "
                        "the other in this process (default: one per core)")
    parser.add_argument("--address", metavar="HOST:PORT",
                        help="join this Ray cluster (or 'auto': the one started on this machine "
                        "by `ray start`) instead of starting Ray here")
