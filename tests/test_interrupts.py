"""Interrupts: remembered when swallowed, held back while a row is being recorded."""

from __future__ import annotations

import os
import signal

import pytest

from zoo import interrupts


def test_an_interrupt_waits_for_the_end_of_a_deferred_block(caught):
    done = []
    with pytest.raises(KeyboardInterrupt), interrupts.deferred_interrupts():
        os.kill(os.getpid(), signal.SIGTERM)
        done.append("first half")
        done.append("second half")
    assert done == ["first half", "second half"]


def test_an_interrupt_swallowed_by_a_finalizer_is_still_seen(caught):
    class Finalized:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)  # KeyboardInterrupt here is only "ignored"

    Finalized()
    with pytest.raises(KeyboardInterrupt):
        interrupts.check_interrupted()


def test_without_a_signal_nothing_is_raised(caught):
    with interrupts.deferred_interrupts():
        pass
    interrupts.check_interrupted()


def test_an_interrupt_that_a_run_turned_into_another_error_stops_it_and_is_no_error_row(caught):
    """A KeyboardInterrupt raised inside C code may come out as a SystemError (seen mid-epoch
    in TensorFlow): the run must stop as interrupted, not return an error to be recorded."""
    from zoo import ArchitectureSpec
    from zoo.experiment import PlannedRun
    from zoo.testing import tiny_data
    from zoo.train.run import execute
    from zoo.train.settings import TrainSettings

    def builder(input_spec):
        try:
            os.kill(os.getpid(), signal.SIGINT)
        except KeyboardInterrupt:
            raise SystemError("bad argument to internal function") from None

    spec = ArchitectureSpec("interrupted", builder, "interrupted while it builds")
    run = PlannedRun(spec, TrainSettings(epochs=1), {})
    with pytest.raises(KeyboardInterrupt):
        execute(run, tiny_data(), verbose=0)
