"""Length-bucketed batches: every row once, cut no shorter than its text."""

from __future__ import annotations

import numpy as np

from zoo.train.buckets import bucket_widths, plan_batches, token_counts


def left_padded(lengths: list[int], width: int) -> np.ndarray:
    x = np.zeros((len(lengths), width), dtype=np.int32)
    for row, length in enumerate(lengths):
        if length:
            x[row, width - length :] = np.arange(1, length + 1)
    return x


def test_token_counts_ignore_left_padding_only():
    x = left_padded([0, 1, 5, 40], 40)
    x[3, 10] = 0  # a padding id inside a text still counts as part of it
    np.testing.assert_array_equal(token_counts(x), [0, 1, 5, 40])


def test_widths_grow_by_root_two_in_multiples_of_8_up_to_the_sequence_length():
    assert list(bucket_widths(500)) == [32, 48, 64, 96, 128, 184, 256, 368, 500]
    assert list(bucket_widths(1000))[-3:] == [512, 728, 1000]
    assert list(bucket_widths(33)) == [32, 33]
    assert list(bucket_widths(32)) == [32]
    assert list(bucket_widths(20)) == [20]


def test_every_row_lands_in_one_batch_wide_enough_for_it():
    rng = np.random.default_rng(0)
    lengths = rng.integers(0, 300, size=500).tolist()
    x = left_padded(lengths, 300)
    batches = plan_batches(x, 64, np.random.default_rng(1))
    rows = np.concatenate([batch.rows for batch in batches])
    assert sorted(rows.tolist()) == list(range(500))
    for batch in batches:
        assert len(batch.rows) <= 64
        assert token_counts(x[batch.rows]).max() <= batch.width
        cut = x[batch.rows][:, -batch.width :]
        assert (token_counts(cut) == token_counts(x[batch.rows])).all()  # no token lost


def test_shuffled_plans_differ_and_the_inference_plan_is_fixed():
    x = left_padded(np.random.default_rng(0).integers(1, 300, size=400).tolist(), 300)
    rng = np.random.default_rng(2)
    first, second = plan_batches(x, 32, rng), plan_batches(x, 32, rng)
    assert [b.rows.tolist() for b in first] != [b.rows.tolist() for b in second]
    fixed = [b.rows.tolist() for b in plan_batches(x, 32)]
    assert fixed == [b.rows.tolist() for b in plan_batches(x, 32)]


def test_unbucketed_plans_keep_the_full_width_and_shuffle_every_row():
    x = left_padded(np.random.default_rng(0).integers(1, 300, size=400).tolist(), 300)
    batches = plan_batches(x, 32, np.random.default_rng(3), bucketed=False)
    assert {batch.width for batch in batches} == {300}
    rows = np.concatenate([batch.rows for batch in batches])
    assert sorted(rows.tolist()) == list(range(400)) and rows.tolist() != list(range(400))
    in_order = np.concatenate([b.rows for b in plan_batches(x, 32, bucketed=False)])
    assert in_order.tolist() == list(range(400))
