"""Settings for every test: no hub access; the workflow-copy fixture."""
import os
from pathlib import Path

import pytest

from workflow_helpers import copy_workflow

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def workflow_copy(tmp_path: Path) -> Path:
    return copy_workflow(tmp_path / "wf")
