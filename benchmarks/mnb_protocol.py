"""How far is Subj's published NBSVM-bi 93.2 % from our protocol? Multinomial naive Bayes on
binary n-grams (Wang & Manning's MNB, no training loop, so no tuning to argue about) scored on
our one split and by 10-fold cross-validation, with the zoo's tokens and with punctuation kept.

    python benchmarks/mnb_protocol.py --data ../shared/data/subj --encoding cp1252

Our split is the zoo's (``zoo.data.prepare.load_splits``): MNB fits on the training split and
is scored on validation and test. The 10 folds reshuffle all texts (seed 0) as the papers'
cross-validation does. Plain Python and NumPy; a minute on two cores.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

import numpy as np

from zoo.data.prepare import load_splits
from zoo.data.settings import DataSettings
from zoo.data.text import tokenize

Tokenizer = Callable[[str], list[str]]
TOKENIZERS: dict[str, Tokenizer] = {
    "strip": tokenize,
    "keep": lambda text: tokenize(text, "keep"),
}
FOLDS = 10


def ngram_sets(texts: Sequence[str], tokens: Tokenizer, longest: int) -> list[set[str]]:
    """Each text's binary n-grams, 1 to ``longest`` words."""
    out = []
    for text in texts:
        words = tokens(text)
        grams = set(words)
        for n in range(2, longest + 1):
            grams |= {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}
        out.append(grams)
    return out


def mnb_accuracy(
    train: list[set[str]], labels: np.ndarray, scored: list[set[str]], truth: np.ndarray
) -> float:
    """Fit MNB on binary features (smoothing 1) and score two-class ``scored`` texts."""
    index: dict[str, int] = {}
    for grams in train:
        for gram in grams:
            index.setdefault(gram, len(index))
    counts = np.ones((2, len(index)))
    for grams, label in zip(train, labels, strict=True):
        counts[label, [index[g] for g in grams]] += 1
    ratios = np.log(counts[1] / counts[1].sum()) - np.log(counts[0] / counts[0].sum())
    prior = np.log(np.mean(labels == 1) / np.mean(labels == 0))
    scores = np.array([ratios[[index[g] for g in s if g in index]].sum() + prior for s in scored])
    return float(np.mean((scores > 0).astype(int) == truth))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--encoding", default="utf-8")
    args = parser.parse_args()
    splits, _ = load_splits(DataSettings(dataset="folder", path=args.data, encoding=args.encoding))
    texts = splits.train_texts + splits.val_texts + splits.test_texts
    labels = np.concatenate([splits.train_labels, splits.val_labels, splits.test_labels])
    folds = np.array_split(np.random.default_rng(0).permutation(len(texts)), FOLDS)
    print("tokens  n-grams  our validation %  our test %  10-fold CV % (mean ± std)")
    for name, tokens in TOKENIZERS.items():
        for longest in (1, 2, 3):
            train = ngram_sets(splits.train_texts, tokens, longest)
            val, test = (
                mnb_accuracy(train, splits.train_labels, ngram_sets(part, tokens, longest), truth)
                for part, truth in ((splits.val_texts, splits.val_labels),
                                    (splits.test_texts, splits.test_labels))
            )  # fmt: skip
            every = ngram_sets(texts, tokens, longest)
            cross = []
            for held in folds:
                kept = np.setdiff1d(np.arange(len(texts)), held)
                fitted_on = [every[i] for i in kept]
                scored = [every[i] for i in held]
                cross.append(mnb_accuracy(fitted_on, labels[kept], scored, labels[held]))
            print(
                f"{name:6}  1-{longest}      {val * 100:6.2f}           {test * 100:6.2f}      "
                f"{np.mean(cross) * 100:.2f} ± {np.std(cross) * 100:.2f}"
            )


if __name__ == "__main__":
    main()
