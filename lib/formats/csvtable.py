"""CSV export of a run: one row per tracked person per frame (frame, track id, box xyxy, the 15
joints' x, y, score), for spreadsheets and pandas (no framework)."""
from __future__ import annotations

import csv

from lib.joints import JOINT_NAMES
from lib.outputs import replace, temporary_path, write_error

COLUMNS = ("frame", "track_id", "x1", "y1", "x2", "y2") + tuple(
    f"{joint}_{field}" for joint in JOINT_NAMES for field in ("x", "y", "score"))
DECIMALS = 3  # as the OpenSVAI keypoints


def person_row(frame_idx: int, track) -> list:
    """The CSV row of one ``Track`` of a frame."""
    values = [round(float(v), DECIMALS)
              for v in list(track.box_xyxy) + list(track.keypoints.reshape(-1))]
    return [int(frame_idx), int(track.track_id)] + values


class CSVWriter:
    """Runner sink: writes the header, then each frame's tracked persons as soon as the frame is
    done (flushed, so an interrupted run keeps every finished frame), under the temporary name
    ``lib.outputs.temporary_path(path)`` renamed to ``path`` by ``close``. Rejected detections
    (no pose, no track) have no row."""

    def __init__(self, path: str):
        self.path, self._temporary = path, temporary_path(path)
        try:
            self._file = open(self._temporary, "w", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow(COLUMNS)
        except OSError as err:
            raise write_error(path, err) from None

    def write(self, frame, result) -> None:
        try:
            self._writer.writerows(person_row(frame.index, p) for p in result.persons)
            self._file.flush()
        except OSError as err:
            raise write_error(self.path, err) from None

    def close(self) -> None:
        try:
            self._file.close()
        except OSError as err:
            raise write_error(self.path, err) from None
        replace(self._temporary, self.path)
