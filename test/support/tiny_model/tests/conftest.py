import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve()
# tiny_model is used from its folder (PYTHONPATH=test/support/tiny_model), the plugin from box/trainer.
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE.parents[4] / "box" / "trainer"))

from tiny_model_fixtures import make_model_folder  # noqa: E402


@pytest.fixture(scope="session")
def model_folder(tmp_path_factory) -> Path:
    return make_model_folder(tmp_path_factory.mktemp("tiny-model"))
