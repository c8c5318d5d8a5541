"""Fixtures of the listening-test tests (helpers live in listening_helpers.py)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from listening_helpers import make_sources  # noqa: E402


@pytest.fixture
def sources(tmp_path):
    return make_sources(tmp_path / "systems")
