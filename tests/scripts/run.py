"""Running a script through its real command line and checking how it ends."""
from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAKES = ["-m", "tests.scripts.fakes"]
TIMESTAMPED = re.compile(r"^(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d(,\d+)? ")  # logging's time  # prefix: run the script with the scripted components


def environment(**extra) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT), **extra}
    env.pop("LIGHTTRACK_DEBUG", None)
    return env


def file_size_limit(num_bytes: int):
    """preexec_fn: no file of the child may grow past ``num_bytes`` (a full disk, per file:
    writes past it fail with EFBIG; Python ignores SIGXFSZ)."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (num_bytes, num_bytes))


def run(*args, fakes: bool = False, env: dict | None = None, preexec_fn=None, timeout=300,
        cwd=ROOT) -> subprocess.CompletedProcess:
    """``python [-m tests.scripts.fakes] SCRIPT ARGS`` from the repository root."""
    command = [sys.executable, *(FAKES if fakes else []), *map(str, args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=environment(**(env or {})), preexec_fn=preexec_fn)


def start(*args, fakes: bool = False, env: dict | None = None) -> subprocess.Popen:
    command = [sys.executable, *(FAKES if fakes else []), *map(str, args)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=environment(**(env or {})))


def message_lines(stderr: str) -> list[str]:
    """stderr without argparse's usage block (``usage:`` and its indented continuation)."""
    lines, in_usage = [], False
    for line in stderr.splitlines():
        if line.startswith("usage:"):
            in_usage = True
            continue
        if in_usage and line.startswith(" "):
            continue
        in_usage = False
        if line.strip():
            lines.append(line)
    return lines


def assert_one_line(proc, code: int, *words: str, progress_log: bool = False) -> str:
    """The run ended with ``code``, no traceback and exactly one message line holding every
    one of ``words``; returns that line. ``progress_log``: the script logs its progress with
    timestamps (the trainers); those lines are not messages."""
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in message_lines(proc.stderr)
             if not (progress_log and TIMESTAMPED.match(line))]
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def strict_json(path) -> object:
    """Parse ``path`` as strict JSON: NaN or Infinity tokens fail the test."""
    def refuse(token):
        raise AssertionError(f"{path}: non-standard JSON token {token}")
    return json.loads(Path(path).read_text(encoding="utf-8"), parse_constant=refuse)


def leftovers(folder) -> list[str]:
    """Temporary and lock files left under ``folder``."""
    return sorted(str(p) for p in Path(folder).rglob("*")
                  if ".partial" in p.name or p.name.endswith(".lock"))
