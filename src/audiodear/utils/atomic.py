"""Atomic file writes: a reader sees the old file or the complete new one, never a torn write.

Every writer here writes to a temporary file in the destination folder, flushes it to disk and
renames it over the destination (``os.replace`` is atomic on POSIX within one file system).
"""
from __future__ import annotations

import contextlib
import json
import os
import struct
import tempfile
from pathlib import Path
from typing import Any, Iterator

# mkstemp creates its file readable by the owner only; a finished output gets the mode any new
# file would (0666 less the umask), so results on a shared disk stay readable by the group.
_UMASK = os.umask(0o022)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK


@contextlib.contextmanager
def atomic_path(dest: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path next to ``dest``; on success it is renamed onto ``dest``.

    The suffix of the temporary file defaults to the destination's, so libraries that pick a
    format from the extension (soundfile, safetensors, matplotlib) still work.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=suffix or dest.suffix, dir=dest.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp_path, FILE_MODE)
        os.replace(tmp_path, dest)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(dest: str | os.PathLike, text: str) -> None:
    with atomic_path(dest) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(dest: str | os.PathLike, data: bytes) -> None:
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)


def write_json(dest: str | os.PathLike, obj: Any) -> None:
    write_text(dest, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=_json_default) + "\n")


def _json_default(obj: Any) -> Any:
    # numpy scalars and paths show up in results; store them as plain JSON values.
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def write_csv(dest: str | os.PathLike, frame) -> None:
    """Write a pandas DataFrame as CSV atomically."""
    with atomic_path(dest) as tmp:
        frame.to_csv(tmp, index=False)


def write_tensors(dest: str | os.PathLike, tensors: dict, metadata: dict[str, str] | None = None) -> None:
    """A safetensors file whose bytes depend only on its content.

    safetensors writes the metadata entries in hash-map order, which changes from process to
    process, so two runs of one job would write files that load alike but differ in their bytes
    (and so in DVC's and Snakemake's checksums). The header is rewritten in place, same length,
    with the metadata keys sorted; the tensor data does not move.
    """
    from safetensors.torch import save_file

    with atomic_path(dest) as tmp:
        save_file(tensors, str(tmp), metadata=metadata)
        with open(tmp, "r+b") as fh:
            (size,) = struct.unpack("<Q", fh.read(8))
            header = json.loads(fh.read(size))
            if "__metadata__" in header:
                header = {"__metadata__": dict(sorted(header.pop("__metadata__").items())), **header}
            ordered = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
            if len(ordered) <= size:  # always, as both are compact JSON; else keep the library's order
                fh.seek(8)
                fh.write(ordered.ljust(size))
