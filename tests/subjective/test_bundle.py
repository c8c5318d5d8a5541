"""The bundle: deterministic, blinded, the key outside the raters' folder, loudness-normalised."""
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from audiodear.audio.io import read_mono, write_wav
from audiodear.errors import ConfigError, InputError
from audiodear.subjective.bundle import build_bundle
from audiodear.subjective.loudness import integrated_loudness, normalise, true_peak_dbtp
from audiodear.subjective.select import allocate, rng_for, stratified_sample

from listening_helpers import SR, SYSTEM_NAMES, make_config, make_sources, read_json


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_deterministic_blinded_and_key_outside(tmp_path, sources):
    srcs, captions, kinds = sources
    cfg = make_config()
    a = build_bundle(tmp_path / "a", srcs, captions, cfg, kinds, sample_rate=SR)
    b = build_bundle(tmp_path / "b", srcs, captions, cfg, kinds, sample_rate=SR)
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
    assert a["bundle_id"] == b["bundle_id"]
    # Rebuilding in place replaces the folder with identical content.
    build_bundle(tmp_path / "a", srcs, captions, cfg, kinds, sample_rate=SR)
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
    assert not list(tmp_path.glob(".a.*"))
    # Another seed: another selection of blinded ids (and so another bundle).
    c = build_bundle(tmp_path / "c", srcs, captions, make_config(seed=8), kinds, sample_rate=SR)
    assert c["bundle_id"] != a["bundle_id"]

    raters = tmp_path / "a" / "raters"
    names = {p.name for p in raters.iterdir()}
    assert names == {"index.html", "app.js", "style.css", "trials.js", "trials.json", "INSTRUCTIONS.md",
                     "instructions.html", "audio"}
    assert (tmp_path / "a" / "key.json").is_file() and not list(raters.rglob("key*"))
    # Nothing the raters receive names a system or a clip id.
    for path in raters.rglob("*"):
        if path.is_file() and path.suffix != ".wav":
            text = path.read_text(encoding="utf-8")
            assert not any(n in text for n in SYSTEM_NAMES), path
            assert "clip-0" not in text, path

    key = read_json(tmp_path / "a" / "key.json")
    trials = read_json(raters / "trials.json")
    assert trials["bundle_id"] == key["bundle_id"] == a["bundle_id"]
    # 4 clips x 3 systems + 1 attention check; the same clip ids in every system.
    assert len(trials["trials"]) == len(key["trials"]) == 13 == a["trials"]
    per_system = {}
    for bid, t in key["trials"].items():
        if not t["attention_check"]:
            per_system.setdefault(t["system"], set()).add(t["clip_id"])
    assert set(per_system) == set(SYSTEM_NAMES)
    assert len({frozenset(v) for v in per_system.values()}) == 1 and len(per_system[SYSTEM_NAMES[0]]) == 4
    assert sorted(p.stem for p in (raters / "audio").glob("*.wav")) == sorted(key["trials"])
    check = [t for t in trials["trials"] if t["attention_check"]]
    assert len(check) == 1 and "Attention check" in check[0]["caption"]
    expected = key["attention_checks"][check[0]["id"]]["expected"]
    assert f"{expected['rel']}" in check[0]["caption"] and expected["rel"] != expected["ovl"]
    js = (raters / "trials.js").read_text()
    assert js.startswith("// ") and "window.AUDIODEAR_TRIALS = {" in js


def test_loudness_normalised_to_target(tmp_path, sources):
    srcs, captions, kinds = sources
    build_bundle(tmp_path / "b", srcs, captions, make_config(), kinds, sample_rate=SR)
    key = read_json(tmp_path / "b" / "key.json")
    levels = []
    for bid, t in key["trials"].items():
        if t["attention_check"]:
            continue
        x = read_mono(tmp_path / "b" / "raters" / "audio" / f"{bid}.wav", SR)
        lufs, how = integrated_loudness(x, SR)
        assert how == "gated"
        levels.append(lufs)
        assert true_peak_dbtp(x) <= -1.0 + 0.05
    # The systems' inputs differ by 33 dB; the bundle's clips all sit at -23 LUFS.
    assert np.allclose(levels, -23.0, atol=0.2), levels


def test_versions_of_a_clip_get_one_length(tmp_path, sources):
    srcs, captions, kinds = sources
    longer = make_sources(tmp_path / "longer", seconds=0.75)[0][SYSTEM_NAMES[2]]
    srcs = {**srcs, SYSTEM_NAMES[2]: longer}
    build_bundle(tmp_path / "b", srcs, captions, make_config(), kinds, sample_rate=SR)
    key = read_json(tmp_path / "b" / "key.json")
    lengths = {}
    for bid, t in key["trials"].items():
        x = read_mono(tmp_path / "b" / "raters" / "audio" / f"{bid}.wav", SR)
        lengths.setdefault(t["clip_id"], set()).add(x.size)
    assert all(v == {int(0.6 * SR)} for v in lengths.values()), lengths
    report = pd.read_csv(tmp_path / "b" / "loudness.csv")
    trimmed = report.groupby("system").trimmed_s.max()
    assert trimmed[SYSTEM_NAMES[2]] == pytest.approx(0.15) and trimmed[SYSTEM_NAMES[0]] == 0
    build_bundle(tmp_path / "c", srcs, captions, make_config(equalise_duration=False), kinds, sample_rate=SR)
    sizes = {read_mono(p, SR).size for p in (tmp_path / "c" / "raters" / "audio").glob("*.wav")}
    assert sizes == {int(0.6 * SR), int(0.75 * SR)}


def test_loudness_fallbacks_and_peak_limit():
    t = np.arange(int(0.2 * SR)) / SR
    short = 0.1 * np.sin(2 * np.pi * 440 * t)
    y, r = normalise(short, SR, -23.0, -1.0)
    assert r.method == "short-clip (one block)" and r.output_lufs == pytest.approx(-23.0)
    assert integrated_loudness(y, SR)[0] == pytest.approx(-23.0, abs=0.01)
    silent = np.zeros(SR)
    y, r = normalise(silent, SR, -23.0, -1.0)
    assert r.method == "silent (unchanged)" and r.gain_db == 0.0 and not y.any()
    assert r.as_dict()["input_lufs"] is None  # JSON has no infinity
    # Sparse clicks: reaching -23 LUFS would clip, so the clip is scaled down to the ceiling.
    clicks = np.zeros(2 * SR)
    clicks[::4000] = 0.5
    y, r = normalise(clicks, SR, -23.0, -1.0)
    assert r.peak_reduction_db > 0 and true_peak_dbtp(y) == pytest.approx(-1.0, abs=0.01)
    assert r.output_lufs < -23.0


def test_stratified_selection():
    ids = [f"c{i:02d}" for i in range(20)]
    kinds = {c: ("a" if i < 10 else "b" if i < 16 else "c") for i, c in enumerate(ids)}
    picked = stratified_sample(ids, kinds, 10, seed=3)
    counts = {k: sum(kinds[c] == k for c in picked) for k in "abc"}
    assert counts == {"a": 5, "b": 3, "c": 2}
    assert picked == stratified_sample(ids, kinds, 10, seed=3) and picked != stratified_sample(ids, kinds, 10, seed=4)
    assert stratified_sample(ids, kinds, 50, seed=3) == ids
    assert sum(allocate({"x": 1, "y": 1, "z": 1}, 2, rng_for(0, 1)).values()) == 2


def test_bad_inputs_name_the_problem(tmp_path, sources):
    srcs, captions, kinds = sources
    with pytest.raises(InputError, match="configuration rates"):
        build_bundle(tmp_path / "x", {k: v for k, v in srcs.items() if k != SYSTEM_NAMES[2]}, captions,
                     make_config(), kinds, sample_rate=SR)
    with pytest.raises(InputError, match="no clip id"):
        build_bundle(tmp_path / "x", srcs, {"other": "caption"}, make_config(), kinds, sample_rate=SR)
    bad = srcs[SYSTEM_NAMES[1]]["clip-00"]
    write_wav(bad, np.zeros(10), 8000)
    with pytest.raises(InputError, match="sample_rate"):
        build_bundle(tmp_path / "x", srcs, captions, make_config(clips_per_system=6), kinds, sample_rate=SR)
