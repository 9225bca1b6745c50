"""``zoo report``: a self-contained ``report.html`` (figures embedded, no network at view time)
and a PNG of each figure, from results files and the run logs stored beside them
(``zoo.bench.runlog``). The page is ``page.html``, filled in with ``string.Template``.

Rows of several datasets give one section per dataset (its comparison table, tests and
figures, each model named by what sets it apart within that dataset), under a table across the
datasets with mean ranks and the tests across them (``zoo.report.across``).
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from string import Template

from zoo.bench.row import ResultRow
from zoo.errors import ConfigError
from zoo.paths import staged
from zoo.report.across import across_datasets
from zoo.report.analysis import ModelRuns, by_dataset, confusion, group_runs, pairwise, table_rows
from zoo.report.budget import study_curves
from zoo.report.figures import draw_figures, pareto_front, require_matplotlib
from zoo.report.ranks import accuracies, render_suite
from zoo.report.stats import RESAMPLES, SIGNIFICANCE

__all__ = ["REPORT_FILE", "group_runs", "pareto_front", "require_matplotlib", "write_report"]

REPORT_FILE = "report.html"
DIAGRAM = "critical_difference"


def write_report(
    entries: list[tuple[Path, ResultRow]], out: Path, storage: str | None = None
) -> Path:
    """Draw every figure and write ``report.html`` with them into ``out``; its path.

    ``storage``: where the tune studies the rows name live (None: beside each results file).
    """
    datasets = {
        name: (rows, groups)
        for name, rows in by_dataset(entries).items()
        if (groups := group_runs(rows))
    }
    if not datasets:
        raise ConfigError("the results hold no finished run to report; run zoo bench first")
    several = len(datasets) > 1
    figures: dict[str, bytes] = {}
    sections = []
    for name, (rows, groups) in datasets.items():
        drawn = draw_figures(groups, study_curves(rows, storage))
        prefix = f"{_slug(name)}-" if several else ""
        figures.update({prefix + figure: png for figure, png in drawn.items()})
        sections.append(_section(name if several else "", groups, drawn))
    top = _across({name: [row for _, row in rows] for name, (rows, _) in datasets.items()})
    if several and top[1] is not None:
        figures[DIAGRAM] = top[1]
    out.mkdir(parents=True, exist_ok=True)
    for name, png in figures.items():
        _write_bytes(out / f"{name}.png", png)
    template = resources.files("zoo.report").joinpath("page.html").read_text(encoding="utf-8")
    page = Template(template).substitute(
        resamples=f"{RESAMPLES:,}",
        significance=f"{SIGNIFICANCE:.0%}",
        across=top[0] if several else "",
        sections="".join(sections),
    )
    _write_bytes(out / REPORT_FILE, page.encode("utf-8"))
    return out / REPORT_FILE


def _across(rows_by_dataset: dict[str, list[ResultRow]]) -> tuple[str, bytes | None]:
    """The table across datasets and the tests across them, as HTML and the diagram's PNG."""
    verdict = across_datasets(accuracies(rows_by_dataset))
    lines = render_suite(rows_by_dataset, "markdown").splitlines()
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    table = _table(cells[0], cells[2:])
    diagram = f"<p>{_image(DIAGRAM, verdict.diagram)}</p>" if verdict.diagram else ""
    return (
        "<h2>across datasets</h2><p>Test accuracy % (mean ± std over seeds) and the mean rank "
        "of each architecture; where it ran under several settings on a dataset, those with the "
        f"best validation accuracy.</p>{table}<p>{html.escape(verdict.text)}</p>{diagram}",
        verdict.diagram,
    )


def _section(name: str, groups: list[ModelRuns], figures: dict[str, bytes]) -> str:
    cells = table_rows(groups)
    heading = f"<h2>{html.escape(name)}</h2>" if name else ""
    table = _table(list(cells[0]), [list(row.values()) for row in cells])
    matrix = pairwise(groups)
    if any(cell != "-" for row in matrix for cell in row):
        numbered = [f"{i + 1}. {group.label}" for i, group in enumerate(groups)]
        rows = [[label, *row] for label, row in zip(numbered, matrix, strict=True)]
        headers = ["", *(str(i + 1) for i in range(len(groups)))]
        tests = (
            f"<p>Row against column: ▲ better, ▼ worse, · no significant difference at "
            f"{SIGNIFICANCE:.0%}; McNemar's exact p.</p>{_table(headers, rows)}"
        )
    else:
        tests = "<p>no pair has stored predictions on the same test set</p>"
    confusions = "".join(_confusion(group) for group in groups)
    images = "".join(
        f"<h3>{html.escape(figure.replace('_', ' '))}</h3>{_image(figure, png)}"
        for figure, png in figures.items()
    )
    return (
        f"<section>{heading}{table}<h3>which differences are real</h3>{tests}"
        f"{confusions}{images}</section>"
    )


def _confusion(group: ModelRuns) -> str:
    """A multi-class model's confusion matrix: true classes down, predicted across."""
    found = confusion(group)
    if found is None or len(found[0]) <= 2:
        return ""
    names, counts = found
    rows = [
        [name, *(f"{count:,}" for count in line)] for name, line in zip(names, counts, strict=True)
    ]
    return (
        f"<h3>confusion matrix: {html.escape(group.label)}</h3><p>true class down, predicted "
        f"across, test examples of every seed</p>{_table(['', *names], rows)}"
    )


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = "".join(f"<th>{html.escape(str(name))}</th>" for name in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(name: str, png: bytes) -> str:
    return f'<img alt="{name}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower() or "data"


def _write_bytes(path: Path, content: bytes) -> None:
    try:
        with staged(path) as partial:
            partial.write_bytes(content)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from exc
