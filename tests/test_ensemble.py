"""Ensembles of recorded runs, on hand-made run logs: the weights, what a fit reads, the
refusals, and the row's numbers against the members' logs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.clirun import invoke_zoo, run_zoo
from tests.conftest import write_reviews_csv
from zoo.bench.results import append_result, read_results
from zoo.bench.row import ResultRow
from zoo.bench.runlog import read_log, write_log
from zoo.ensemble import METHODS
from zoo.ensemble.combine import as_classes, choose_method, combine, fit, held_out
from zoo.ensemble.folder import save_ensemble
from zoo.ensemble.runs import build_ensembles, record_runs
from zoo.errors import ConfigError
from zoo.train.folder import read_run
from zoo.train.outputs import RunLog, save_log

RNG = np.random.default_rng(0)
VAL = RNG.integers(0, 2, 200)
TEST = RNG.integers(0, 2, 300)


def _outputs(labels: np.ndarray, accuracy: float, seed: int) -> np.ndarray:
    """Sigmoid outputs right on about ``accuracy`` of ``labels``, confident either way."""
    rng = np.random.default_rng(seed)
    right = rng.random(len(labels)) < accuracy
    predicted = np.where(right, labels, 1 - labels)
    return np.where(predicted == 1, 0.8, 0.2)[:, None]


def test_greedy_weights_go_to_the_member_that_is_right_on_validation():
    perfect, noise = _outputs(VAL, 1.0, 1), _outputs(VAL, 0.5, 2)
    combined = combine("weighted", [noise, perfect], VAL, [_outputs(TEST, 0.6, 3), TEST[:, None]])
    assert combined.weights == [0.0, 1.0]
    assert np.array_equal(combined.test.argmax(axis=1), TEST)
    mean = combine("mean", [noise, perfect], VAL, [noise[:1], perfect[:1]])
    assert mean.weights == [0.5, 0.5]
    assert np.allclose(mean.test, (as_classes(noise[:1]) + as_classes(perfect[:1])) / 2)


def test_the_stacker_learns_to_follow_the_member_that_is_right():
    perfect, wrong = _outputs(VAL, 1.0, 1), _outputs(VAL, 0.0, 2)  # always wrong: informative
    stacked = combine("stacked", [perfect, wrong], VAL, [_outputs(TEST, 0.5, 4), 1 - TEST[:, None]])
    assert np.mean(stacked.test.argmax(axis=1) == TEST) > 0.95  # it reads the inverted member


def test_a_fitted_ensemble_reports_held_out_validation_outputs_not_its_own_fit():
    noise = [_outputs(VAL, 0.5, seed) for seed in range(10, 30)]  # twenty coin flips

    def accuracy(outputs: np.ndarray) -> float:
        return float(np.mean(outputs.argmax(axis=1) == VAL))

    for method in ("weighted", "stacked"):
        own_fit = accuracy(fit(method, noise, VAL).apply(noise))  # the luckiest coins, chosen
        held = accuracy(combine(method, noise, VAL, noise).validation)
        assert held < own_fit - 0.05 and abs(held - 0.5) < 0.07, method
    mean = combine("mean", noise, VAL, noise)  # nothing fitted: its outputs as they are
    assert np.allclose(mean.validation, sum(as_classes(member) for member in noise) / 20)


def test_auto_takes_the_method_best_on_held_out_validation_and_the_simpler_on_a_tie():
    good, wrong = _outputs(VAL, 0.85, 1), _outputs(VAL, 0.0, 2)  # always wrong: informative
    method, scores = choose_method([([good, wrong], VAL)])
    for name in METHODS:
        held = held_out(name, [good, wrong], VAL)
        assert scores[name] == pytest.approx(np.mean(held.argmax(axis=1) == VAL)), name
    assert method == "stacked" and scores["stacked"] > scores["weighted"] > scores["mean"]

    twins = [good, good.copy()]  # every method combines them into the one member
    method, scores = choose_method([(twins, VAL), (twins, VAL)])
    assert len(set(scores.values())) == 1 and method == "mean"


def _bench(
    tmp_path, members: dict[str, float], fingerprint: str = "f" * 16, seeds=(0, 1), **columns
):
    """A results file of ``members`` (name → test accuracy) with their run logs; ``columns``
    of every row."""
    results = tmp_path / "results.csv"
    for number, (model, accuracy) in enumerate(members.items()):
        for seed in seeds:
            row = ResultRow(
                model=model, seed=seed, status="ok",
                data_fingerprint=fingerprint, train_size=1000, val_size=200, test_size=300,
                num_classes=2, test_accuracy=accuracy, best_val_accuracy=accuracy,
                train_seconds=10.0 * (number + 1), params=100, dataset="toy",
                **{"config_hash": f"{model}-key", "max_tokens": 30000, "sequence_length": 256,
                   **columns},
            )  # fmt: skip
            log = RunLog(
                _outputs(TEST, accuracy, 10 * number + seed), TEST, {}, ["neg", "pos"],
                _outputs(VAL, accuracy, 100 + 10 * number + seed), VAL,
            )  # fmt: skip
            write_log(results, row, log)
            append_result(results, row)
    return results


def test_an_ensemble_row_recomputes_from_its_members_logs(tmp_path):
    results = _bench(tmp_path, {"a": 0.8, "b": 0.75, "c": 0.7})
    built = build_ensembles(results, None, "mean")
    assert [row.seed for row, _ in built] == [0, 1]
    record_runs(results, built)
    rows = read_results(results)
    for seed in (0, 1):
        (row,) = [r for r in rows if r.model == "ensemble(a+b+c)" and r.seed == seed]
        logs = [read_log(results, r) for r in rows if r.model in "abc" and r.seed == seed]
        average = sum(as_classes(log.probabilities) for log in logs) / 3
        assert row.test_accuracy == pytest.approx(np.mean(average.argmax(axis=1) == TEST))
        assert row.train_seconds == 60.0 and json.loads(row.hparams)["method"] == "mean"
        stored = read_log(results, row)  # the report's intervals and McNemar tests read it
        assert np.mean(stored.correct) == pytest.approx(row.test_accuracy)
    assert build_ensembles(results, None, "mean") == []  # recorded: not built again


def test_the_fit_never_reads_the_test_labels(tmp_path):
    first = _bench(tmp_path / "a", {"a": 0.8, "b": 0.7})
    second = _bench(tmp_path / "b", {"a": 0.8, "b": 0.7})
    for row in read_results(second):  # the same outputs, other test labels
        log = read_log(second, row)
        log.labels = np.roll(log.labels, 7)
        write_log(second, row, log)
    for method in ("weighted", "stacked"):
        (one, _), _ = build_ensembles(first, None, method)
        (other, _), _ = build_ensembles(second, None, method)
        assert one.hparams == other.hparams and one.best_val_accuracy == other.best_val_accuracy
        assert one.test_accuracy != other.test_accuracy  # only the score reads them


def test_an_auto_ensemble_is_the_row_of_the_method_it_chose(tmp_path):
    results = _bench(tmp_path, {"a": 0.8, "b": 0.75, "c": 0.7}, seeds=(0, 1, 2))
    shown = invoke_zoo("ensemble", str(results), "--format", "csv")  # --method auto
    assert shown.returncode == 0, shown.stderr
    rows = {row.seed: row for row in read_results(results) if row.model == "ensemble(a+b+c)"}
    chosen = json.loads(rows[0].hparams)["method"]
    logs = {
        seed: [read_log(results, r) for r in read_results(results) if r.model in "abc"
               and r.seed == seed]
        for seed in rows
    }  # fmt: skip
    expected, scores = choose_method(
        [([log.val_probabilities for log in ls], ls[0].val_labels) for ls in logs.values()]
    )
    assert chosen == expected
    assert f"ensemble(a+b+c) on toy: {chosen}, chosen on held-out" in shown.stderr
    assert f"{expected} {scores[expected] * 100:.2f} %" in shown.stderr
    again = _bench(tmp_path / "again", {"a": 0.8, "b": 0.75, "c": 0.7}, seeds=(0, 1, 2))
    explicit = {row.seed: row for row, _ in build_ensembles(again, None, chosen)}
    for seed, row in rows.items():
        assert (row.config_hash, row.test_accuracy, row.best_val_accuracy) == (
            explicit[seed].config_hash, explicit[seed].test_accuracy,
            explicit[seed].best_val_accuracy,
        )  # fmt: skip
    assert build_ensembles(results, None, chosen) == []  # the same key: not built again


def test_runs_of_other_data_are_refused(tmp_path):
    results = _bench(tmp_path, {"a": 0.8})
    other = _bench(tmp_path / "other", {"b": 0.7}, fingerprint="e" * 16)
    for row in read_results(other):
        write_log(results, row, read_log(other, row))
        append_result(results, row)
    with pytest.raises(ConfigError, match="a and b ran on other data or splits"):
        build_ensembles(results, ["a", "b"], "weighted")
    with pytest.raises(ConfigError, match="no finished run of 'z'"):
        build_ensembles(results, ["a", "z"], "weighted")


def test_members_of_one_split_may_encode_the_texts_differently(tmp_path):
    results = _bench(tmp_path, {"a": 0.8, "b": 0.75})
    wide = _bench(tmp_path / "wide", {"c": 0.7}, max_tokens=300000, sequence_length=2048)
    assert invoke_zoo("ensemble", str(results), "--from", str(wide)).returncode == 0
    rows = {(row.model, row.seed): row for row in read_results(results)}
    both = rows[("ensemble(a+b+c)", 0)]
    assert (both.max_tokens, both.sequence_length, both.train_size) == (None, None, 1000)
    build = invoke_zoo("ensemble", str(results), "a", "b", "--method", "mean")
    assert build.returncode == 0, build.stderr
    pair = read_results(results)[-1]
    assert (pair.model, pair.max_tokens, pair.sequence_length) == ("ensemble(a+b)", 30000, 256)


def test_members_benched_into_other_files_join_with_their_run_logs(tmp_path):
    results = _bench(tmp_path / "here", {"a": 0.8})
    elsewhere = _bench(tmp_path / "there", {"b": 0.75, "c": 0.7})
    other_data = _bench(tmp_path / "other", {"d": 0.9}, fingerprint="e" * 16)
    args = ["ensemble", str(results), "--method", "mean", "--format", "csv"]
    unknown = invoke_zoo("ensemble", str(results), "b", "z", "--from", str(elsewhere))
    assert unknown.returncode == 2 and "no finished run of 'z'" in unknown.stderr
    assert len(read_results(results)) == 2  # b's rows were not copied
    shown = invoke_zoo(*args, "--from", str(elsewhere), "--from", str(other_data))
    assert shown.returncode == 0, shown.stderr
    assert f"zoo: 4 member row(s) copied into {results} from {elsewhere}, " in shown.stderr
    rows = read_results(results)
    assert sorted({row.model for row in rows}) == ["a", "b", "c", "ensemble(a+b+c)"]
    for row in read_results(elsewhere):
        copied = read_log(results, row)
        assert np.array_equal(copied.val_probabilities, read_log(elsewhere, row).val_probabilities)
    for row in [r for r in rows if r.model == "ensemble(a+b+c)"]:
        logs = [read_log(results, r) for r in rows if r.model in "abc" and r.seed == row.seed]
        average = sum(as_classes(log.probabilities) for log in logs) / 3
        assert row.test_accuracy == pytest.approx(np.mean(average.argmax(axis=1) == TEST))
    again = invoke_zoo(*args, "--from", str(elsewhere))
    assert "zoo: 0 member row(s) copied" in again.stderr and read_results(results) == rows
    other = _bench(tmp_path / "more", {"e": 0.6})
    (other.parent / "results.csv.runs").rename(tmp_path / "lost")
    refused = invoke_zoo(*args, "--from", str(other))
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "e seed 0 has no run log beside it" in refused.stderr
    assert read_results(results) == rows  # nothing copied
    missing = invoke_zoo(*args, "--from", str(tmp_path / "gone.csv"))
    assert missing.returncode == 2 and "gone.csv does not exist" in missing.stderr


def test_members_all_takes_every_configuration_that_ran_the_seeds(tmp_path):
    results = _bench(tmp_path, {"a": 0.8, "b": 0.75})
    tuned = _bench(tmp_path / "tuned", {"a": 0.9}, config_hash="a-tuned")
    one_seed = _bench(tmp_path / "one", {"a": 0.85}, seeds=(0,), config_hash="a-seed0")
    sources = ("--from", str(tuned), "--from", str(one_seed))
    args = ("ensemble", str(results), "--method", "mean", "--members", "all", *sources)
    assert invoke_zoo(*args).returncode == 0
    rows = read_results(results)
    built = [row for row in rows if row.model.startswith("ensemble(")]
    assert {(row.model, row.seed) for row in built} == {
        ("ensemble(a x2+b)", 0),
        ("ensemble(a x2+b)", 1),
    }
    settings = json.loads(built[0].hparams)
    assert settings["members"] == {"a a-tuned": "a-tuned", "a a-key": "a-key", "b": "b-key"}
    for row in built:
        keys = ("a-tuned", "a-key", "b-key")
        logs = [read_log(results, r) for r in rows if r.config_hash in keys and r.seed == row.seed]
        average = sum(as_classes(log.probabilities) for log in logs) / 3
        assert row.test_accuracy == pytest.approx(np.mean(average.argmax(axis=1) == TEST))
    best = invoke_zoo("ensemble", str(results), "--method", "mean")  # the default: one each
    assert best.returncode == 0 and read_results(results)[-1].model == "ensemble(a+b)"
    assert json.loads(read_results(results)[-1].hparams)["members"] == {
        "a": "a-tuned",
        "b": "b-key",
    }
    saved = invoke_zoo("ensemble", "run1", "run2", "--members", "all", "--out", str(tmp_path / "e"))
    assert saved.returncode == 2 and "use one" in saved.stderr


def test_a_new_results_file_takes_the_members_of_every_data_from_the_sources(tmp_path):
    first = _bench(tmp_path / "first", {"a": 0.8})
    second = _bench(tmp_path / "second", {"b": 0.75, "c": 0.7})
    other_data = _bench(tmp_path / "other", {"d": 0.9, "e": 0.6}, fingerprint="e" * 16)
    new = tmp_path / "combined" / "results.csv"
    sources = ("--from", str(first), "--from", str(second), "--from", str(other_data))
    shown = invoke_zoo("ensemble", str(new), "--method", "mean", *sources)
    assert shown.returncode == 0, shown.stderr
    models = sorted({row.model for row in read_results(new)})
    assert models == ["a", "b", "c", "d", "e", "ensemble(a+b+c)", "ensemble(d+e)"]
    alone = invoke_zoo("ensemble", str(tmp_path / "alone.csv"), "--from", str(first))
    assert alone.returncode == 2 and "two members or more" in alone.stderr
    assert not (tmp_path / "alone.csv").exists()  # nothing half-written
    without = invoke_zoo("ensemble", str(tmp_path / "none.csv"))
    assert without.returncode == 2 and "none.csv does not exist" in without.stderr


@pytest.mark.slow
def test_zoo_ensemble_prints_the_ensemble_beside_its_members(tmp_path):
    results = _bench(tmp_path, {"a": 0.8, "b": 0.75})
    shown = run_zoo("ensemble", str(results), "--method", "weighted", "--format", "csv")
    assert shown.returncode == 0, shown.stderr
    models = [line.split(",")[0] for line in shown.stdout.splitlines()[1:]]
    assert sorted(models) == ["a", "b", "ensemble(a+b)"]


@pytest.mark.slow
def test_ngram_runs_serve_from_a_new_process_alone_and_as_a_saved_ensemble(tmp_path):
    """nbsvm's and fasttext's layers reload in a new process (tfidf's IDF reload: the kit's
    check; zoo evaluate: test_cli), and the saved ensemble of the two predicts their combined
    probabilities."""
    data = write_reviews_csv(tmp_path / "reviews.csv")
    toy = ("--data", str(data), "--max-tokens", "200", "--sequence-length", "24", "--quiet")
    members = [str(tmp_path / name) for name in ("nbsvm", "fasttext")]
    for path in members:
        flags = ("--set", "buckets=4096", "--epochs", "3", "--out", path)
        trained = invoke_zoo("train", Path(path).name, *toy, *flags)
        assert trained.returncode == 0, trained.stderr

    saved = invoke_zoo("ensemble", *members, "--method", "mean", "--out", str(tmp_path / "ens"))
    assert saved.returncode == 0, saved.stderr
    logs = [read_run(path).outputs() for path in members]
    average = sum(as_classes(log.probabilities) for log in logs) / 2
    summary = json.loads((tmp_path / "ens" / "ensemble.json").read_text())
    recomputed = np.mean(average.argmax(axis=1) == logs[0].labels)
    assert summary["test_accuracy"] == pytest.approx(recomputed)
    assert f"test accuracy {summary['test_accuracy'] * 100:.2f} %" in saved.stdout
    chosen = invoke_zoo("ensemble", *members, "--out", str(tmp_path / "auto"))  # --method auto
    assert chosen.returncode == 0, chosen.stderr
    auto = json.loads((tmp_path / "auto" / "ensemble.json").read_text())
    validation = [log.val_probabilities for log in logs]
    method, scores = choose_method([(validation, logs[0].val_labels)])
    assert auto["combination"]["method"] == method and auto["method_scores"] == scores
    assert f"ensemble method {method}, chosen on held-out validation" in chosen.stderr

    texts = ["a wonderful superb great film", "awful boring worst"]
    served = run_zoo("predict", str(tmp_path / "ens"), *texts, "--format", "json")
    assert served.returncode == 0, served.stderr
    each = [as_classes(read_run(path).predict_texts(texts, print)) for path in members]
    assert [list(member.argmax(axis=1)) for member in each] == [[1, 0], [1, 0]]
    expected = (each[0] + each[1]) / 2
    for item, probabilities in zip(json.loads(served.stdout), expected, strict=True):
        assert item["label"] == summary["class_names"][probabilities.argmax()]
        assert item["probability"] == pytest.approx(probabilities.max(), abs=1e-5)

    other = tmp_path / "other"  # the same model, scored on other test rows
    shutil.copytree(tmp_path / "nbsvm", other)
    log = read_run(other).outputs()
    log.labels = log.labels[::-1].copy()
    save_log(other / "outputs.npz", log)
    with pytest.raises(ConfigError, match="trained on other data or splits"):
        save_ensemble([members[1], str(other)], "mean", tmp_path / "refused")
    assert not (tmp_path / "refused").exists()
