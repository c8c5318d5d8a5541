"""The embedded corpus: deterministic from its seed, labelled, split without leakage."""
from pathlib import Path

import numpy as np
import pytest

from audiodear.audio.io import read_mono
from audiodear.data.corpus.build import build_corpus, check_no_leakage
from audiodear.data.corpus.events import KIND_NAMES
from audiodear.data.corpus.scenes import draw_scene
from audiodear.data.manifest import read_manifest
from audiodear.utils.hashing import sha256_file

SIZES = {"train": 12, "valid": 4, "test": 6}


def _build(folder: Path, seed: int = 7) -> list[dict]:
    return build_corpus(folder / "audio", folder / "manifest.csv", seed=seed, sizes=SIZES, clip_seconds=1.28,
                        sample_rate=16000, two_event_fraction=0.5, uncaptioned_fraction=0.25)


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(tmp_path):
    _build(tmp_path / "a")
    _build(tmp_path / "b")
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert len(a) == sum(SIZES.values()) + 1  # every wav plus the manifest
    assert a == b


def test_another_seed_gives_other_audio(tmp_path):
    rows_a = _build(tmp_path / "a", seed=7)
    rows_b = _build(tmp_path / "b", seed=8)
    assert {r["sha256"] for r in rows_a}.isdisjoint({r["sha256"] for r in rows_b})


def test_manifest_describes_the_files(tmp_path):
    rows = _build(tmp_path)
    assert read_manifest(tmp_path / "manifest.csv") == rows
    for row in rows:
        audio = read_mono(tmp_path / "audio" / row["path"], 16000)
        assert audio.shape == (int(1.28 * 16000),)
        assert np.abs(audio).max() <= 0.5 + 1e-4
        assert 1 <= len(row["labels"]["kinds"]) <= 2
        assert row["captioned"] or row["split"] == "train"
    assert [sum(r["split"] == s for r in rows) for s in SIZES] == list(SIZES.values())


def test_splits_do_not_leak(tmp_path):
    rows = _build(tmp_path)
    ids = {s: {r["id"] for r in rows if r["split"] == s} for s in SIZES}
    assert not (ids["train"] & ids["test"]) and not (ids["train"] & ids["valid"]) and not (ids["valid"] & ids["test"])
    check_no_leakage(rows)
    leaked = rows[:1] + [{**rows[1], "sha256": rows[0]["sha256"], "split": "test"}]
    with pytest.raises(AssertionError, match="appears in splits"):
        check_no_leakage(leaked)


def test_captions_state_the_labels():
    rng = np.random.default_rng(3)
    words = {"beep": "beep", "chirp": "chirp", "noise_burst": "noise", "clicks": ("click", "tick"),
             "siren": "siren", "hum": "hum", "knock": "knock", "babble": ("babbl", "voice"), "bell": "bell",
             "whistle": "whistle", "drum": "drum", "rain": "rain", "engine": "engine", "birdsong": ("bird", "sing")}
    seen = set()
    for _ in range(400):
        scene = draw_scene(rng, 2.56, 0.4)
        text = scene.caption.lower()
        for kind in scene.labels()["kinds"]:
            seen.add(kind)
            cue = words[kind]
            assert any(c in text for c in (cue if isinstance(cue, tuple) else (cue,))), (kind, text)
        count = scene.events[0].count
        if len(scene.events) == 1 and count > 1:
            assert any(w in text for w in ("two", "twice", "three", "four"))
    assert seen == set(KIND_NAMES) and len(seen) >= 12
