"""Benchmarks: plan every (architecture, seed, backend), run them on an executor, keep the rows.

``zoo.bench.driver`` plans and records; ``zoo.bench.executors`` run; ``zoo.bench.row`` is the
results row, ``zoo.bench.results`` its file and ``zoo.bench.runlog`` what each row keeps beside it;
``zoo.bench.suite`` benches several datasets in turn.
"""
