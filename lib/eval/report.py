"""poseval's printed tables and JSON result files for ``evaluate`` results (no framework)."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from lib.eval.posetrack import SUMMARY_KEYS
from lib.formats.jsonfile import dumps, write_json
from lib.joints import JOINT_NAMES

# the printed groups (SPEC §7.6): joint indices averaged per column, Total is the 16th value
GROUPS = (("Head", (14, 12, 13)), ("Shou", (8, 9)), ("Elb", (7, 10)), ("Wri", (6, 11)),
          ("Hip", (2, 3)), ("Knee", (1, 4)), ("Ankl", (0, 5)))
# poseval's names in the result files ("neck" for head_bottom), "15" for the total
NAMES = {**{str(i): ("neck" if n == "head_bottom" else n) for i, n in enumerate(JOINT_NAMES)},
         "15": "total"}
END = " \\\\"


def _cell(value: float) -> str:
    return "{:>5}".format("%1.1f" % value)


def _row(values) -> str:
    return "&" + "".join(_cell(v) + " &" for v in values[:-1]) + _cell(values[-1]) + END


def _grouped(per_joint) -> list:
    return [float(np.mean([per_joint[j] for j in joints])) for _, joints in GROUPS]


def _header(labels) -> str:
    return "&" + "".join(f" {label:<4} &" for label in labels[:-1]) + f" {labels[-1]}\\\\"


def ap_table(ap: np.ndarray) -> str:
    """poseval's AP table (header and row) from the (16,) AP values."""
    labels = [name for name, _ in GROUPS] + ["Total"]
    return _header(labels) + "\n" + _row(_grouped(ap) + [ap[15]])


def mot_table(mot: dict) -> str:
    """poseval's MOT table: two header lines and the row (grouped MOTA, then four totals)."""
    first = _header(["MOTA"] * 8 + ["MOTP", "Prec", "Rec  "])
    second = "&" + "".join(f" {name:<4} &" for name, _ in GROUPS) + " Total&" * 3 + " Total\\\\"
    values = _grouped(mot["mota"]) + [mot[k][15] for k in ("mota", "motp", "precision", "recall")]
    return first + "\n" + second + "\n" + _row(values)


def hota_table(hota: dict) -> str:
    """Keypoint HOTA table: header and one row of grouped HOTA, then the total HOTA, DetA, AssA
    and IDF1 (each averaged over the alphas, ``lib.eval.hota``)."""
    labels = [name for name, _ in GROUPS] + ["HOTA", "DetA", "AssA", "IDF1"]
    per_joint = hota["HOTA"].mean(axis=0)
    values = _grouped(per_joint) + [hota["hota"], hota["deta"], hota["assa"], hota["idf1"]]
    return _header(labels) + "\n" + _row(values)


def _plain(values) -> list:
    """Floats for JSON; NaN becomes null (JSON has no NaN)."""
    return [None if math.isnan(v) else float(v) for v in np.asarray(values, float)]


def _write(path: Path, content: dict) -> Path:
    write_json(path, content)
    return path


def write_results(result: dict, output_dir) -> list:
    """``total_AP_metrics.json`` / ``total_MOT_metrics.json`` (and ``<seq>_AP_metrics.json`` /
    ``<seq>_MOT_metrics.json`` for a result with ``sequences``) in ``output_dir``; returns paths."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    parts = [("total", result)] + list((result.get("sequences") or {}).items())
    written = []
    for prefix, part in parts:
        if part["ap"] is not None:
            ap = part["ap"]
            written.append(_write(output_dir / f"{prefix}_AP_metrics.json", {
                "ap": _plain(ap["ap"]), "pre": _plain(ap["precision"]),
                "rec": _plain(ap["recall"]), "names": NAMES}))
        if part["mot"] is not None:
            mot = part["mot"]
            written.append(_write(output_dir / f"{prefix}_MOT_metrics.json", {
                "mota": _plain(mot["mota"]), "motp": _plain(mot["motp"]),
                "pre": _plain(mot["precision"]), "rec": _plain(mot["recall"]), "names": NAMES}))
    return written


def summary_line(result: dict) -> str:
    """The one-line JSON summary: mAP, MOTA, MOTP, precision, recall, HOTA, DetA, AssA, IDF1 (null
    when NaN or not evaluated) and IDSW."""
    summary = {}
    for key in (k for k in SUMMARY_KEYS if k != "IDSW"):
        value = result[key]
        summary[key] = None if value is None or math.isnan(value) else round(value, 4)
    summary["IDSW"] = result["IDSW"]
    return dumps(summary)
