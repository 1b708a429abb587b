import os

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture
def artifacts_dir(tmp_path_factory):
    """A folder for files worth keeping after the run (CI uploads test-artifacts/ when it exists)."""
    root = os.environ.get("RMSPROP_TEST_ARTIFACTS")
    if root:
        os.makedirs(root, exist_ok=True)
        return root
    return str(tmp_path_factory.mktemp("artifacts"))
