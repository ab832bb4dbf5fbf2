"""The one table of ``bench/eval_real.py``: plain text, markdown and a PNG chart (matplotlib)."""
from __future__ import annotations

import math

from matplotlib.figure import Figure

from lib.plots import save

CHART_METRICS = ("mAP", "MOTA", "HOTA", "IDF1")  # percent scores drawn as bars
SPEED_COLUMN = "frames/s"


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def text_table(table: list[dict], columns: list[str]) -> str:
    """Aligned plain-text table; ``table`` rows are dicts with "row" and the ``columns``."""
    header = ["row"] + columns
    cells = [[str(r["row"])] + [_cell(r.get(c)) for c in columns] for r in table]
    widths = [max(len(line[i]) for line in [header] + cells) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w)
                       for i, (h, w) in enumerate(zip(header, widths)))]
    for line in cells:
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(line, widths))))
    return "\n".join(lines)


def markdown_table(table: list[dict], columns: list[str]) -> str:
    """The same table in markdown."""
    lines = ["| row | " + " | ".join(columns) + " |",
             "|:--|" + "--:|" * len(columns)]
    for r in table:
        lines.append(f"| {r['row']} | " + " | ".join(_cell(r.get(c)) for c in columns) + " |")
    return "\n".join(lines)


def chart(table: list[dict], path, title: str) -> None:
    """Grouped horizontal bars of ``CHART_METRICS`` per row, and frames/s beside them."""
    names = [r["row"] for r in table][::-1]
    rows = table[::-1]
    height = 0.8 / len(CHART_METRICS)
    fig = Figure(figsize=(12, 1.0 + 0.55 * len(rows)), dpi=80)
    ax_scores, ax_speed = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3, 1]})
    for k, metric in enumerate(CHART_METRICS):
        values = [r.get(metric) if r.get(metric) is not None else 0.0 for r in rows]
        positions = [i + (k - (len(CHART_METRICS) - 1) / 2) * height for i in range(len(rows))]
        ax_scores.barh(positions, values, height=height, label=metric)
    lowest = min([0.0] + [r.get(m) or 0.0 for r in rows for m in CHART_METRICS])
    ax_scores.set_xlim(lowest - 5, 130)  # room on the right for the legend
    ax_scores.set_yticks(range(len(rows)), names)
    ax_scores.set_xlabel("score (%) on the real-pixel set")
    ax_scores.axvline(0, color="black", linewidth=0.5)
    ax_scores.legend(loc="upper right", fontsize=8)
    speeds = [r.get(SPEED_COLUMN) or 0.0 for r in rows]
    ax_speed.barh(range(len(rows)), speeds, color="grey")
    ax_speed.set_xlabel(SPEED_COLUMN)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    save(fig, str(path))
