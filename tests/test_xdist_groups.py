"""The suite's own set-up: tests that share an expensive fixture (a Ray instance, a trained
run) run on one xdist worker, so the fixture is made once."""

import pytest


@pytest.mark.xdist_group("ray")
def test_grouped_tests_run_on_one_worker(request):
    if not request.config.getoption("loadgroup", False):
        pytest.skip("not distributed by pytest-xdist's loadgroup")
    assert request.node.nodeid.endswith("@ray"), (
        "pytest-xdist's loadgroup lost the xdist_group marks under this pytest "
        "(pytest-xdist#1386): install the pytest version pyproject.toml pins"
    )
