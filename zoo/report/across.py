"""Which differences hold across datasets: the Friedman test over the architectures' test
accuracies on each dataset, and a post-hoc test with its critical-difference diagram (Demšar
2006), from autorank: Nemenyi's test after the Friedman test, as autorank chooses for more than
two architectures compared without assuming normality (Wilcoxon's signed-rank test for two).

They need ``MIN_DATASETS`` datasets on which every compared architecture ran; with fewer, the
report says so instead of drawing.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zoo.report.stats import SIGNIFICANCE

MIN_DATASETS = 5  # autorank refuses fewer; the Friedman test needs more to mean much


@dataclass
class AcrossDatasets:
    """The verdict across datasets: a sentence, and the diagram's PNG where one was drawn."""

    text: str
    diagram: bytes | None = None


def across_datasets(table: Mapping[str, Mapping[str, dict]]) -> AcrossDatasets:
    """``table``: per dataset, per architecture, its mean test accuracy (``test_accuracy``),
    as ``zoo.report.ranks.accuracies`` gives it."""
    models = sorted(set.intersection(*(set(found) for found in table.values())))
    if len(models) < 2:
        return AcrossDatasets("fewer than two architectures ran on every dataset: nothing to test")
    if len(table) < MIN_DATASETS:
        return AcrossDatasets(
            f"{len(table)} datasets: the Friedman test and its critical-difference diagram need "
            f"at least {MIN_DATASETS}, so none is drawn; the mean ranks above are descriptive"
        )
    try:
        import pandas as pd
        from autorank import autorank, plot_stats
    except ImportError:
        return AcrossDatasets(
            "the tests across datasets need autorank: pip install 'keras-zoo[report]'"
        )
    frame = pd.DataFrame(
        {model: [table[d][model]["test_accuracy"] for d in table] for model in models},
        index=list(table),
    )
    with warnings.catch_warnings():  # its normality checks on few values warn on stderr
        warnings.simplefilter("ignore")
        result = autorank(
            frame, alpha=SIGNIFICANCE, verbose=False, order="descending", force_mode="nonparametric"
        )
    text = f"{result.omnibus} test over {len(table)} datasets: p = {result.pvalue:.3g}"
    if result.posthoc == "nemenyi" and result.cd is not None:
        text += f"; {result.posthoc} post-hoc test, critical difference {result.cd:.2f} ranks"
    return AcrossDatasets(text, _diagram(result, plot_stats))


def _diagram(result: Any, plot_stats: Any) -> bytes | None:
    """The critical-difference diagram as PNG (None where autorank draws none)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            axis = plot_stats(result, allow_insignificant=True)
    except Exception:  # autorank draws no diagram for some results: the text says the verdict
        return None
    figure = axis.get_figure()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    pyplot.close(figure)
    return buffer.getvalue()
