"""Real-data ingestion and audio checks: every bad-input case is named by file and field."""
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from audiodear.data.checks import check_audio
from audiodear.data.ingest.normalise import ingest
from audiodear.data.manifest import read_manifest, write_manifest
from audiodear.errors import ManifestError

SR = 16000


def _wav(path: Path, seconds=1.0, sr=SR, channels=1, value=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    n = int(seconds * sr)
    x = np.random.default_rng(0).uniform(-0.3, 0.3, (n, channels)).astype(np.float32)
    if value is not None:
        x[n // 2] = value
    sf.write(str(path), x, sr, subtype="FLOAT" if value is not None else "PCM_16")


def _audiocaps(root: Path, rows: list[tuple], split="test") -> dict:
    lines = ["audiocap_id,youtube_id,start_time,caption"] + [",".join(map(str, r)) for r in rows]
    (root / "ac").mkdir(parents=True, exist_ok=True)
    (root / "ac" / f"{split}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"format": "audiocaps", "metadata": f"ac/{split}.csv", "audio_dir": "ac/audio", "split": split,
            "audio_name": "{youtube_id}_{start_time}.wav"}


def _run(root: Path, sources: list[dict], mode="strict"):
    out = root / "out"
    return ingest(sources, root, out / "audio", out / "manifest.csv", out / "report.csv", SR, mode)


def test_audiocaps_clotho_wavcaps_into_one_manifest(tmp_path):
    _wav(tmp_path / "ac/audio/abc_30.wav", sr=44100, channels=2)
    _wav(tmp_path / "ac/audio/def_0.wav")
    ac = _audiocaps(tmp_path, [(1, "abc", 30, "a dog barks"), (2, "abc", 30, "a dog is barking"), (3, "def", 0, "rain falls")])
    _wav(tmp_path / "clotho/dev/bird.wav", sr=32000)
    (tmp_path / "clotho/dev.csv").write_text("file_name,caption_1,caption_2\nbird.wav,birds sing,a bird chirps\n")
    cl = {"format": "clotho", "metadata": "clotho/dev.csv", "audio_dir": "clotho/dev", "split": "train"}
    _wav(tmp_path / "wc/fs/77.flac", sr=48000)
    (tmp_path / "wc/fs.json").write_text(json.dumps({"data": [{"id": "77", "caption": "an engine idles"}]}))
    wc = {"format": "wavcaps", "metadata": "wc/fs.json", "audio_dir": "wc/fs", "split": "train"}
    rows = _run(tmp_path, [ac, cl, wc])
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {"abc_30", "def_0", "bird", "77"}
    assert by_id["abc_30"]["captions"] == ["a dog barks", "a dog is barking"]
    assert by_id["abc_30"]["original_sample_rate"] == 44100 and by_id["abc_30"]["original_channels"] == 2
    assert "torchaudio.functional.resample" in by_id["abc_30"]["resampler"]
    assert by_id["def_0"]["resampler"].startswith("none")
    assert by_id["77"]["num_samples"] == SR and by_id["77"]["sample_rate"] == SR
    assert read_manifest(tmp_path / "out/manifest.csv") == rows
    check_audio(rows, tmp_path / "out/audio", SR)


@pytest.mark.parametrize("case,expect", [
    ("missing", r"abc_30\.wav: audio file not found"),
    ("corrupt", r"abc_30\.wav: unreadable or corrupt audio"),
    ("empty", r"abc_30\.wav: zero-length audio"),
    ("nan", r"abc_30\.wav: audio holds NaN or infinite samples"),
    ("inf", r"abc_30\.wav: audio holds NaN or infinite samples"),
])
def test_bad_audio_is_named(tmp_path, case, expect):
    path = tmp_path / "ac/audio/abc_30.wav"
    if case == "corrupt":
        path.parent.mkdir(parents=True)
        path.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 10)
    elif case == "empty":
        path.parent.mkdir(parents=True)
        sf.write(str(path), np.zeros((0, 1), np.float32), SR)
    elif case in ("nan", "inf"):
        _wav(path, value=np.nan if case == "nan" else np.inf)
    src = _audiocaps(tmp_path, [(1, "abc", 30, "a dog barks")])
    with pytest.raises(ManifestError, match=expect) as err:
        _run(tmp_path, [src])
    assert "field 'audio'" in str(err.value) and "ac/test.csv: row 2" in str(err.value)


def test_empty_caption_is_named(tmp_path):
    _wav(tmp_path / "ac/audio/abc_30.wav")
    src = _audiocaps(tmp_path, [(1, "abc", 30, "   ")])
    with pytest.raises(ManifestError, match=r"ac/test.csv: row 2 \(id=abc\): field 'caption': empty or whitespace"):
        _run(tmp_path, [src])


def test_invalid_utf8_is_named(tmp_path):
    _wav(tmp_path / "ac/audio/abc_30.wav")
    src = _audiocaps(tmp_path, [(1, "abc", 30, "a dog barks")])
    meta = tmp_path / "ac/test.csv"
    meta.write_bytes(meta.read_bytes().replace(b"dog", b"d\xff\xfeg"))
    with pytest.raises(ManifestError, match=r"ac/test.csv: row 2: field 'encoding': invalid UTF-8"):
        _run(tmp_path, [src])


def test_path_escaping_the_data_root_is_refused(tmp_path):
    (tmp_path / "clotho").mkdir()
    (tmp_path / "clotho/dev.csv").write_text("file_name,caption_1\n../../etc/passwd,a caption\n")
    src = {"format": "clotho", "metadata": "clotho/dev.csv", "audio_dir": "clotho/dev", "split": "train"}
    with pytest.raises(ManifestError, match=r"row 2: field 'file_name': file name '../../etc/passwd' escapes the data root"):
        _run(tmp_path, [src])


def test_duplicate_id_is_named(tmp_path):
    _wav(tmp_path / "clotho/dev/a.wav")
    _wav(tmp_path / "clotho/eval/a.wav")
    for split in ("dev", "eval"):
        (tmp_path / f"clotho/{split}.csv").write_text("file_name,caption_1\na.wav,a sound\n")
    srcs = [{"format": "clotho", "metadata": f"clotho/{s}.csv", "audio_dir": f"clotho/{s}", "split": sp}
            for s, sp in (("dev", "train"), ("eval", "test"))]
    with pytest.raises(ManifestError, match=r"clotho/eval.csv: row 2 \(id=a\): field 'id': duplicate id"):
        _run(tmp_path, srcs)


def test_lenient_mode_quarantines_and_counts(tmp_path):
    _wav(tmp_path / "ac/audio/ok_0.wav")
    _wav(tmp_path / "ac/audio/nan_0.wav", value=np.nan)
    src = _audiocaps(tmp_path, [(1, "ok", 0, "fine"), (2, "nan", 0, "broken audio"), (3, "gone", 0, "missing file"),
                                (4, "blank", 0, " ")])
    rows = _run(tmp_path, [src], mode="lenient")
    assert [r["id"] for r in rows] == ["ok_0"]
    report = (tmp_path / "out/report.csv").read_text().splitlines()
    assert len(report) == 1 + 3  # header + every dropped item
    assert any("NaN" in line for line in report) and any("not found" in line for line in report)


def _normalised(tmp_path, **kw) -> list[dict]:
    _wav(tmp_path / "a/x.wav", **kw)
    from audiodear.utils.hashing import sha256_file
    info = sf.info(str(tmp_path / "a/x.wav"))
    row = {"id": "x", "split": "test", "path": "x.wav", "caption": "c", "captions": ["c"], "captioned": True,
           "duration": info.duration, "sample_rate": info.samplerate, "channels": info.channels,
           "num_samples": info.frames, "sha256": sha256_file(tmp_path / "a/x.wav"), "source": "t", "labels": None}
    return [row]


def test_wrong_rate_is_named(tmp_path):
    rows = _normalised(tmp_path, sr=22050)
    with pytest.raises(ManifestError, match=r"x\.wav: field 'sample_rate' is 22050 Hz, expected 16000 Hz"):
        check_audio(rows, tmp_path / "a", SR)


def test_multichannel_is_named(tmp_path):
    rows = _normalised(tmp_path, channels=2)
    with pytest.raises(ManifestError, match=r"x\.wav: field 'channels' is 2, expected mono"):
        check_audio(rows, tmp_path / "a", SR)


def test_manifest_rows_are_validated(tmp_path):
    rows = _normalised(tmp_path)
    with pytest.raises(ManifestError, match=r"row 2: duplicate id 'x'"):
        write_manifest(tmp_path / "m.csv", rows + rows)
    with pytest.raises(ManifestError, match=r"field 'path': path '../x.wav' escapes the data root"):
        write_manifest(tmp_path / "m.csv", [{**rows[0], "path": "../x.wav"}])
    with pytest.raises(ManifestError, match=r"field 'split'"):
        write_manifest(tmp_path / "m.csv", [{**rows[0], "split": "dev"}])


def test_absent_optional_source_is_left_out_and_absent_required_source_stops(tmp_path):
    """The paper preset lists corpora a user may not have (WavCaps, the AudioSet subset): an
    optional one without its metadata file is skipped; a required one is still a named problem."""
    _wav(tmp_path / "ac/audio/abc_30.wav")
    ac = _audiocaps(tmp_path, [(1, "abc", 30, "a dog barks")])
    wavcaps = {"format": "wavcaps", "metadata": "wc/fsd_final.json", "audio_dir": "wc/fs", "split": "train"}
    rows = _run(tmp_path, [ac, {**wavcaps, "optional": True, "name": "WavCaps FreeSound"}])
    assert [r["id"] for r in rows] == ["abc_30"]
    with pytest.raises(ManifestError, match=r"wc/fsd_final.json.*metadata file not found"):
        _run(tmp_path, [ac, wavcaps])


def test_paper_preset_lists_the_papers_data_sources():
    from audiodear.config import compose

    sources = compose("paper").data.sources
    names = [s.name for s in sources]
    assert [s.split for s in sources if s.name.startswith("AudioCaps")] == ["train", "valid", "test"]
    assert any(n.startswith("WavCaps") for n in names) and any(n.startswith("AudioSet") for n in names)
    assert all(s.optional for s in sources if not s.name.startswith("AudioCaps"))
    assert not any(s.optional for s in sources if s.name.startswith("AudioCaps"))


def test_bad_byte_quarantines_only_its_row(tmp_path):
    for name in ("a", "b", "c"):
        _wav(tmp_path / f"ac/audio/{name}_0.wav")
    src = _audiocaps(tmp_path, [(1, "a", 0, "a dog barks"), (2, "b", 0, "a cat meows"), (3, "c", 0, "rain falls")])
    meta = tmp_path / "ac/test.csv"
    raw = meta.read_bytes()
    meta.write_bytes(raw.replace(b"cat", b"c\xffat"))
    offset = raw.index(b"cat") + 1
    rows = _run(tmp_path, [src], mode="lenient")
    assert [r["id"] for r in rows] == ["a_0", "c_0"]
    report = (tmp_path / "out/report.csv").read_text().splitlines()
    assert len(report) == 2 and f"invalid UTF-8 at byte {offset} (line 3)" in report[1]
    assert "ac/test.csv,3," in report[1] and ",encoding," in report[1]


def test_strict_mode_lists_every_bad_row(tmp_path):
    for name in ("a", "b", "c"):
        _wav(tmp_path / f"ac/audio/{name}_0.wav")
    src = _audiocaps(tmp_path, [(1, "a", 0, "a dog barks"), (2, "b", 0, "a cat meows"), (3, "c", 0, " ")])
    meta = tmp_path / "ac/test.csv"
    meta.write_bytes(meta.read_bytes().replace(b"dog", b"d\xfeog").replace(b"cat", b"c\xffat"))
    with pytest.raises(ManifestError, match=r"3 problem\(s\)") as err:
        _run(tmp_path, [src])
    text = str(err.value)
    assert "row 2: field 'encoding'" in text and "row 3: field 'encoding'" in text and "row 4 (id=c)" in text


def test_bad_byte_in_header_or_json_entry(tmp_path):
    (tmp_path / "clotho").mkdir()
    (tmp_path / "clotho/dev.csv").write_bytes(b"file_n\xffame,caption_1\na.wav,a sound\n")
    cl = {"format": "clotho", "metadata": "clotho/dev.csv", "audio_dir": "clotho/dev", "split": "train"}
    _wav(tmp_path / "wc/fs/1.flac")
    _wav(tmp_path / "wc/fs/2.flac")
    doc = json.dumps({"data": [{"id": "1", "caption": "an engine BAD"}, {"id": "2", "caption": "wind"}]})
    (tmp_path / "wc/fs.json").write_bytes(doc.encode().replace(b"BAD", b"\xc3\x28"))
    wc = {"format": "wavcaps", "metadata": "wc/fs.json", "audio_dir": "wc/fs", "split": "train"}
    rows = _run(tmp_path, [cl, wc], mode="lenient")
    assert [r["id"] for r in rows] == ["2"]
    report = (tmp_path / "out/report.csv").read_text()
    assert "clotho/dev.csv,1,,header,invalid UTF-8 at byte 6 (line 1)" in report
    assert "wc/fs.json,data[0],,caption,invalid UTF-8 bytes" in report
