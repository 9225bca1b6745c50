"""``zoo report``: a self-contained ``report.html`` (figures embedded, no network at view time)
and a PNG of each figure, from results files and the run logs stored beside them
(``zoo.bench.runlog``). The page is ``page.html``, filled in with ``string.Template``."""

from __future__ import annotations

import base64
import html
from importlib import resources
from pathlib import Path
from string import Template

from zoo.bench.row import ResultRow
from zoo.errors import ConfigError
from zoo.paths import staged
from zoo.report.analysis import ModelRuns, comparisons, group_runs, table_rows
from zoo.report.budget import study_curves
from zoo.report.figures import draw_figures, pareto_front, require_matplotlib
from zoo.report.stats import RESAMPLES, SIGNIFICANCE

__all__ = ["REPORT_FILE", "group_runs", "pareto_front", "require_matplotlib", "write_report"]

REPORT_FILE = "report.html"


def write_report(
    entries: list[tuple[Path, ResultRow]], out: Path, storage: str | None = None
) -> Path:
    """Draw every figure and write ``report.html`` with them into ``out``; its path.

    ``storage``: where the tune studies the rows name live (None: beside each results file).
    """
    groups = group_runs(entries)
    if not groups:
        raise ConfigError("the results hold no finished run to report; run zoo bench first")
    figures = draw_figures(groups, study_curves(entries, storage))
    out.mkdir(parents=True, exist_ok=True)
    for name, png in figures.items():
        _write_bytes(out / f"{name}.png", png)
    page = _html(groups, comparisons(groups), figures)
    _write_bytes(out / REPORT_FILE, page.encode("utf-8"))
    return out / REPORT_FILE


def _html(groups: list[ModelRuns], verdicts: list[str], figures: dict[str, bytes]) -> str:
    cells = table_rows(groups)
    head = "".join(f"<th>{html.escape(name)}</th>" for name in cells[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(value)}</td>" for value in row.values()) + "</tr>"
        for row in cells
    )
    tests = "".join(f"<li>{html.escape(line)}</li>" for line in verdicts) or (
        "<li>no pair has stored predictions on the same test set</li>"
    )
    images = "".join(
        f'<h2>{html.escape(name.replace("_", " "))}</h2><img alt="{name}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        for name, png in figures.items()
    )
    template = resources.files("zoo.report").joinpath("page.html").read_text(encoding="utf-8")
    return Template(template).substitute(
        resamples=f"{RESAMPLES:,}",
        significance=f"{SIGNIFICANCE:.0%}",
        head=head,
        body=body,
        tests=tests,
        images=images,
    )


def _write_bytes(path: Path, content: bytes) -> None:
    try:
        with staged(path) as partial:
            partial.write_bytes(content)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from exc
