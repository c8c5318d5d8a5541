"""The scored clips as manifest rows: the test-set definition's order, every clip present."""
import pytest

from audiodear.data.testset import scored_rows
from audiodear.errors import ManifestError

ROWS = [{"id": i, "split": "test", "caption": f"caption {i}"} for i in ("a", "b", "c", "d")]


def test_rows_follow_the_definition_not_the_manifest():
    testset = [{"id": "c", "caption": "x"}, {"id": "a", "caption": "y"}]
    assert [r["id"] for r in scored_rows(ROWS, testset)] == ["c", "a"]
    assert scored_rows(ROWS, testset)[0] is ROWS[2]  # the manifest's row itself, captions and all


def test_a_clip_missing_from_the_manifest_is_named():
    with pytest.raises(ManifestError, match=r"1 test-set clips are not in the manifest, e.g. \['z'\]"):
        scored_rows(ROWS, [{"id": "a", "caption": "y"}, {"id": "z", "caption": "w"}])
