"""Readers for the captioned corpora users bring: AudioCaps, Clotho and WavCaps metadata.

Each reader turns one metadata file into ``Record``s (clip id, audio file, captions) and reports
every row it cannot use as a ``Problem`` naming the file, row and field. An invalid UTF-8 byte
costs only the row (or WavCaps entry) that holds it. Readers never touch the audio;
``normalise.py`` does.
"""
from __future__ import annotations

import csv
import io
import json
import string
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath


@dataclass
class Record:
    id: str
    audio: Path  # absolute or relative to the working directory
    captions: list[str]
    split: str
    source: str
    where: str  # "file:row" for messages


@dataclass
class Problem:
    file: str
    row: str  # row number or id, as the user would find it
    field: str
    message: str
    id: str = ""

    def __str__(self) -> str:
        who = f" (id={self.id})" if self.id else ""
        return f"{self.file}: row {self.row}{who}: field {self.field!r}: {self.message}"


@dataclass
class Parsed:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Text:
    """A metadata file decoded as UTF-8; invalid bytes are kept as lone surrogates (surrogateescape)
    so that one bad byte spoils only the row that holds it. ``bad`` maps line -> byte offset of the
    first invalid byte on that line."""

    body: str
    bad: dict[int, int]

    def bad_bytes(self, first: int, last: int) -> str | None:
        """A message for the first invalid byte on lines first..last, or None."""
        for line in range(first, last + 1):
            if line in self.bad:
                return f"invalid UTF-8 at byte {self.bad[line]} (line {line})"
        return None


def _has_bad_bytes(value) -> bool:
    if isinstance(value, list):  # surplus CSV fields land in one list
        return any(_has_bad_bytes(v) for v in value)
    return isinstance(value, str) and any("\udc80" <= c <= "\udcff" for c in value)


def _decode(path: Path, parsed: Parsed) -> Text | None:
    if not path.is_file():
        parsed.problems.append(Problem(str(path), "-", "metadata", "metadata file not found"))
        return None
    raw = path.read_bytes()
    try:
        return Text(raw.decode("utf-8-sig"), {})
    except UnicodeDecodeError:
        pass
    bad, offset = {}, 0
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        try:
            line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as err:
            bad[number] = offset + err.start
        offset += len(line)
    return Text(raw.decode("utf-8-sig", errors="surrogateescape"), bad)


def _safe_name(name: str) -> bool:
    """A file name from metadata must stay inside its audio folder."""
    p = PurePosixPath(name.replace("\\", "/"))
    return bool(name) and not p.is_absolute() and ".." not in p.parts and ":" not in p.parts[0]


def _captions(values: list[str | None]) -> list[str]:
    return [v.strip() for v in values if v is not None and v.strip()]


def _clean_id(text: str) -> str:
    keep = string.ascii_letters + string.digits + "_.-"
    out = "".join(c if c in keep else "_" for c in text)
    return out.lstrip("._-") or "clip"


def _rows(path: Path, text: Text, required: list[str], parsed: Parsed):
    """(line, row) of every CSV row without invalid bytes; each row with them is one problem."""
    reader = csv.DictReader(io.StringIO(text.body, newline=""))
    header = reader.fieldnames or []
    if any(_has_bad_bytes(name) for name in header):
        parsed.problems.append(Problem(str(path), "1", "header", f"{text.bad_bytes(1, 1)}; the header is unusable"))
        return
    missing = [c for c in required if c not in header]
    if missing:
        parsed.problems.append(Problem(str(path), "1", ",".join(missing), "column(s) missing from the header"))
        return
    first = reader.line_num + 1
    for row in reader:
        line = reader.line_num  # physical line where the row ends (a quoted field may span lines)
        if any(_has_bad_bytes(v) for v in row.values()):
            parsed.problems.append(Problem(str(path), str(line), "encoding", text.bad_bytes(first, line) or "invalid UTF-8"))
        else:
            yield line, row
        first = line + 1


def read_audiocaps(path: Path, audio_dir: Path, split: str, audio_name: str) -> Parsed:
    """AudioCaps CSV (audiocap_id, youtube_id, start_time, caption): rows of one clip are merged."""
    parsed = Parsed()
    text = _decode(path, parsed)
    if text is None:
        return parsed
    by_clip: dict[str, Record] = {}
    for line, row in _rows(path, text, ["audiocap_id", "youtube_id", "start_time", "caption"], parsed):
        where = f"{path}:{line}"
        if not row["caption"] or not row["caption"].strip():
            parsed.problems.append(Problem(str(path), str(line), "caption", "empty or whitespace-only caption", row["youtube_id"]))
            continue
        try:
            name = audio_name.format(**row)
        except (KeyError, IndexError, ValueError) as err:
            parsed.problems.append(Problem(str(path), str(line), "audio_name", f"cannot format {audio_name!r}: {err}"))
            continue
        if not _safe_name(name):
            parsed.problems.append(Problem(str(path), str(line), "youtube_id", f"file name {name!r} escapes the data root"))
            continue
        clip_id = _clean_id(f"{row['youtube_id']}_{row['start_time']}")
        if clip_id in by_clip:
            by_clip[clip_id].captions.append(row["caption"].strip())
        else:
            by_clip[clip_id] = Record(clip_id, audio_dir / name, [row["caption"].strip()], split, "audiocaps", where)
    parsed.records = list(by_clip.values())
    return parsed


def read_clotho(path: Path, audio_dir: Path, split: str) -> Parsed:
    """Clotho CSV: file_name, caption_1 .. caption_5."""
    parsed = Parsed()
    text = _decode(path, parsed)
    if text is None:
        return parsed
    seen: dict[str, int] = {}
    for line, row in _rows(path, text, ["file_name", "caption_1"], parsed):
        name = row["file_name"] or ""
        if not _safe_name(name):
            parsed.problems.append(Problem(str(path), str(line), "file_name", f"file name {name!r} escapes the data root"))
            continue
        caps = _captions([row.get(f"caption_{i}") for i in range(1, 6)])
        clip_id = _clean_id(Path(name).stem)
        if not caps:
            parsed.problems.append(Problem(str(path), str(line), "caption_1", "no non-empty caption", clip_id))
            continue
        if clip_id in seen:
            parsed.problems.append(Problem(str(path), str(line), "file_name", f"duplicate id (first on line {seen[clip_id]})", clip_id))
            continue
        seen[clip_id] = line
        parsed.records.append(Record(clip_id, audio_dir / name, caps, split, "clotho", f"{path}:{line}"))
    return parsed


def read_wavcaps(path: Path, audio_dir: Path, split: str) -> Parsed:
    """WavCaps JSON: {"data": [{"id": ..., "caption": ..., "audio" | "file_name" | "wav": ...}]}."""
    parsed = Parsed()
    text = _decode(path, parsed)
    if text is None:
        return parsed
    try:
        doc = json.loads(text.body)
    except json.JSONDecodeError as err:
        parsed.problems.append(Problem(str(path), str(err.lineno), "json", f"not valid JSON: {err.msg}"))
        return parsed
    items = doc.get("data") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        parsed.problems.append(Problem(str(path), "-", "data", "expected a list under 'data'"))
        return parsed
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "id" not in item:
            parsed.problems.append(Problem(str(path), f"data[{i}]", "id", "entry without an id"))
            continue
        spoilt = [k for k, v in item.items() if _has_bad_bytes(k) or _has_bad_bytes(v)]
        if spoilt:
            parsed.problems.append(Problem(str(path), f"data[{i}]", spoilt[0], "invalid UTF-8 bytes in this entry"))
            continue
        raw_id = str(item["id"])
        name = str(item.get("audio") or item.get("file_name") or item.get("wav") or raw_id)
        if not Path(name).suffix:
            name += ".flac"
        if not _safe_name(name):
            parsed.problems.append(Problem(str(path), f"data[{i}]", "audio", f"file name {name!r} escapes the data root", raw_id))
            continue
        caption = item.get("caption")
        if not isinstance(caption, str) or not caption.strip():
            parsed.problems.append(Problem(str(path), f"data[{i}]", "caption", "empty or whitespace-only caption", raw_id))
            continue
        clip_id = _clean_id(Path(raw_id).stem)
        parsed.records.append(Record(clip_id, audio_dir / name, [caption.strip()], split, "wavcaps", f"{path}:data[{i}]"))
    return parsed


READERS = {"audiocaps": read_audiocaps, "clotho": read_clotho, "wavcaps": read_wavcaps}


def present_sources(sources: list, data_root: str | Path) -> tuple[list, list]:
    """(sources to ingest, optional sources left out because their metadata file is absent).
    A required source is always kept: its absence is reported as a problem of the input data."""
    used, absent = [], []
    for src in sources:
        missing = src.get("optional", False) and not (Path(data_root) / src["metadata"]).is_file()
        (absent if missing else used).append(src)
    return used, absent

