"""``zoo new-plugin`` writes a package that installs and passes its own tests unchanged."""

import os
import subprocess
import sys

import pytest

from tests.fakedist import write_dist_info
from zoo import ConfigError
from zoo.scaffold import create_plugin


@pytest.mark.slow
def test_new_plugin_passes_its_own_tests(tmp_path):
    root = create_plugin("bag_net", tmp_path)
    assert root.name == "zoo-bag-net"
    assert (root / "pyproject.toml").read_text().count('bag_net = "zoo_bag_net"') == 1
    # what 'pip install -e' would add: the package on the path and its entry point metadata
    write_dist_info(root, "zoo-bag-net", "0.1.0", "bag_net = zoo_bag_net")
    env = {**os.environ, "PYTHONPATH": str(root), "TF_CPP_MIN_LOG_LEVEL": "2"}
    listed = subprocess.run(
        [sys.executable, "-m", "zoo", "list", "bag_net"], env=env, capture_output=True, text=True
    )
    assert "zoo-bag-net 0.1.0" in listed.stdout, listed.stderr
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


@pytest.mark.parametrize("name", ["BadName", "with-dash", "9lives"])
def test_new_plugin_refuses_bad_names(tmp_path, name):
    with pytest.raises(ConfigError, match="lowercase identifier"):
        create_plugin(name, tmp_path)


def test_new_plugin_refuses_an_existing_folder(tmp_path):
    create_plugin("twice", tmp_path)
    with pytest.raises(ConfigError, match="already exists"):
        create_plugin("twice", tmp_path)
