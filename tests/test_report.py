"""zoo report: figures exist, the page parses and renders, its numbers are the results' numbers."""

from __future__ import annotations

import html.parser
import math
import shutil
import subprocess

import numpy as np
import pytest

from tests.clirun import invoke_zoo, run_zoo
from tests.conftest import write_reviews_csv
from zoo.bench.results import read_results
from zoo.bench.row import ResultRow
from zoo.bench.runlog import read_log
from zoo.report.page import pareto_front, write_report

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def test_the_pareto_front_keeps_what_nothing_beats_in_both_time_and_accuracy():
    points = [(10.0, 80.0), (5.0, 85.0), (50.0, 90.0), (60.0, 89.0), (5.0, 84.0)]
    assert pareto_front(points) == [1, 2]


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.cells: list[str] = []
        self._tag = ""

    def handle_starttag(self, tag, attrs):
        self._tag = tag
        if tag == "img":
            self.images.append(dict(attrs)["src"])

    def handle_endtag(self, tag):
        self._tag = ""  # text between elements (the template's line breaks) belongs to none

    def handle_data(self, data):
        if self._tag == "td":
            self.cells.append(data)


@pytest.fixture(scope="module")
def benched(tmp_path_factory):
    """A 2-model, 2-seed bench on small data, with its report (its tests share one xdist
    worker, so it is made once)."""
    root = tmp_path_factory.mktemp("report")
    data = write_reviews_csv(root / "reviews.csv", flip_every=7)
    results, out = root / "results.csv", root / "report"
    result = invoke_zoo(
        "bench", "bow_logreg", "cnn1d", "--data", str(data), "--max-tokens", "200",
        "--set", "cnn1d.embedding_dim=8", "--set", "cnn1d.filters=8", "--seeds", "2",
        "--epochs", "2", "--quiet", "--results", str(results), "--report", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return results, out


@pytest.mark.slow
@pytest.mark.xdist_group("benched")
def test_each_run_stores_its_predictions_and_history(benched):
    results, _ = benched
    rows = read_results(results)
    assert len(rows) == 4
    for row in rows:
        log = read_log(results, row)
        assert log is not None and len(log.labels) == row.test_size
        assert float(np.mean(log.correct)) == pytest.approx(row.test_accuracy, abs=1e-9)
        assert len(log.history["val_accuracy"]) == row.epochs_run


@pytest.mark.slow
@pytest.mark.xdist_group("benched")
def test_the_report_holds_every_figure_and_the_results_numbers(benched):
    results, out = benched
    assert {p.name for p in out.iterdir()} == {
        "report.html",
        "learning_curves.png",
        "accuracy_vs_time.png",
        "seed_spread.png",
    }
    page = _Page()
    page.feed((out / "report.html").read_text(encoding="utf-8"))
    assert len(page.images) == 3 and all(
        src.startswith("data:image/png;base64,") for src in page.images
    )
    rows = read_results(results)
    for model in ("bow_logreg", "cnn1d"):
        accuracies = [row.test_accuracy for row in rows if row.model == model]
        position = page.cells.index(model)
        assert page.cells[position + 1] == "2"  # seeds
        assert page.cells[position + 2] == f"{100 * np.mean(accuracies):.2f}"
        assert page.cells[position + 3] == f"{100 * np.std(accuracies, ddof=1):.2f}"
    first, second = sorted(
        ("bow_logreg", "cnn1d"),
        key=lambda m: -np.mean([row.test_accuracy for row in rows if row.model == m]),
    )
    row_one = page.cells.index(f"1. {first}")  # the matrix of McNemar tests, best first
    assert page.cells[row_one + 1] == "-" and page.cells[row_one + 2].startswith("▲ ")
    row_two = page.cells.index(f"2. {second}")
    assert page.cells[row_two + 1].startswith("▼ ") and page.cells[row_two + 2] == "-"
    again = run_zoo("report", str(results), "--out", str(out.parent / "again"))
    assert again.returncode == 0, again.stderr
    assert (out.parent / "again" / "report.html").read_text() == (out / "report.html").read_text()


@pytest.mark.slow
@pytest.mark.xdist_group("benched")
def test_the_page_renders_in_a_headless_browser_without_console_errors(benched):
    browser = next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)
    if browser is None:
        pytest.skip("no Chromium here: apt-get install chromium (see the README)")
    _, out = benched
    shown = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
         "--v=0", "--dump-dom", (out / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr[-2000:]
    console = [line for line in shown.stderr.splitlines() if ":CONSOLE" in line]
    assert not console, console
    page = _Page()
    page.feed(shown.stdout)
    assert len(page.images) == 3 and "bow_logreg" in page.cells


@pytest.mark.slow
def test_report_errors_are_one_line(tmp_path):
    missing = run_zoo("report", str(tmp_path / "nothing.csv"), "--out", str(tmp_path / "r"))
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        f"zoo: error: results file {tmp_path / 'nothing.csv'} does not exist; "
        "name one made by zoo bench"
    ]


def test_runs_of_two_settings_with_the_same_seed_are_reported_apart(tmp_path):
    from zoo.bench.row import ResultRow
    from zoo.bench.runlog import write_log
    from zoo.report.page import group_runs, write_report
    from zoo.train.outputs import RunLog

    results = tmp_path / "results.csv"
    labels = np.array([0, 1] * 50)
    entries = []
    for config, units, right in (("aaa", 64, 60), ("bbb", 128, 100)):
        row = ResultRow(
            model="bilstm", provider="keras-zoo 0.2.0", backend="tensorflow",
            config_hash=config, seed=0, status="ok", test_accuracy=right / 100,
            train_seconds=1.0, params=10, hparams=f'{{"units": {units}}}',
        )  # fmt: skip
        probabilities = np.where(np.arange(100) < right, labels, 1 - labels).astype("float32")
        write_log(results, row, RunLog(probabilities[:, None], labels, {"accuracy": [0.5]}))
        entries.append((results, row))
    groups = group_runs(entries)
    assert [group.label for group in groups] == ["bilstm [units=128]", "bilstm [units=64]"]
    low, high = groups[1].interval()
    assert low <= groups[1].mean_accuracy == 0.6 <= high  # its own seed 0, not the other's
    assert (write_report(entries, tmp_path / "report")).is_file()


def _dataset_rows(name: str, accuracies: dict[str, float]) -> list[ResultRow]:
    return [
        ResultRow(
            model=model, seed=0, status="ok", test_accuracy=accuracy, config_hash=model,
            dataset=name, data_fingerprint=name * 4, train_seconds=1.0, params=10,
        )
        for model, accuracy in accuracies.items()
    ]  # fmt: skip


def test_a_report_over_five_datasets_has_a_section_each_and_the_tests_across_them(tmp_path):
    results = tmp_path / "results.csv"
    names = ["imdb", "subj", "trec", "mr", "cr"]
    entries = [
        (results, row)
        for i, name in enumerate(names)
        for row in _dataset_rows(name, {"a": 0.9 - i / 100, "b": 0.8, "c": 0.7 + i / 1000})
    ]
    page_path = write_report(entries, tmp_path / "report")
    text = page_path.read_text(encoding="utf-8")
    for name in names:
        assert f"<h2>{name}</h2>" in text
    # a ranks 1, b 2, c 3 on every dataset: Friedman chi2 = 12N/(k(k+1)) (sum R^2 - k(k+1)^2/4)
    # = 12*5/12 * (14 - 12) = 10 with 2 degrees of freedom, p = exp(-5)
    assert f"friedman test over 5 datasets: p = {math.exp(-5):.3g}" in text
    assert (tmp_path / "report" / "critical_difference.png").is_file()
    assert (tmp_path / "report" / "subj-seed_spread.png").is_file()
    assert not (tmp_path / "report" / "subj-learning_curves.png").exists()  # no stored history
    three = write_report(entries[:9], tmp_path / "three")
    assert "3 datasets: the Friedman test" in three.read_text(encoding="utf-8")
