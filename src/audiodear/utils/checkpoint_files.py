"""The sha256 of every checkpoint file a job read, for its ``provenance.json``.

Loaders call ``record_files`` with the files they read (a weights file, a folder's ``config.json``
and tokenizer files); ``Job.record`` writes everything recorded in the process under
``checkpoints`` (path -> sha256). A file whose published checksum is known (``KNOWN_SHA256``, by
file name; a prefix where only that is published) and differs gets a warning: a re-saved or
converted copy can be intended, a corrupt one is caught by the loaders' key and shape checks.

Hashes are cached by (path, size, modification time), so a job that loads the same VAE for several
settings hashes it once.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from .hashing import sha256_file

log = logging.getLogger(__name__)

# Published sha256 of the public files (or its first hex digits), by file name. torch.hub's release
# naming puts the first 8 hex digits of a file's sha256 in its name, so torchvggish's release names
# its own; no full checksum of the other files could be verified from a public source here
# (docs/paper-scale.md, "Checksums").
KNOWN_SHA256: dict[str, str] = {"vggish-10086976.pth": "10086976"}

# Tokenizer and processor files a transformers folder may hold; those present are read with it.
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "spiece.model",
                   "vocab.json", "merges.txt", "vocab.txt", "preprocessor_config.json", "processor_config.json")

_CACHE: dict[tuple[str, int, int], str] = {}
_READ: dict[str, str] = {}


def sha256_cached(path: str | os.PathLike) -> str:
    path = Path(path).resolve()
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _CACHE:
        _CACHE[key] = sha256_file(path)
    return _CACHE[key]


def record_files(*paths: str | os.PathLike, known: dict[str, str] | None = None) -> dict[str, str]:
    """Hash the files a loader read, remember them for provenance, warn on a known-checksum mismatch."""
    known = KNOWN_SHA256 if known is None else known
    digests = {}
    for p in paths:
        p = Path(p)
        digest = sha256_cached(p)
        expected = known.get(p.name)
        if expected and not digest.startswith(expected):
            log.warning("%s: sha256 %s differs from the published %s (a re-saved copy, or not the public file)",
                        p, digest, expected)
        digests[str(p)] = digest
    _READ.update(digests)
    return digests


def record_folder(folder: Path, weights: Path) -> dict[str, str]:
    """A ``from_pretrained`` folder: its config, the weights file read (a sharded one's index and shards)
    and the tokenizer files present."""
    extra = [folder / n for n in TOKENIZER_FILES if (folder / n).is_file()]
    if weights.name.endswith(".index.json"):
        extra += [folder / n for n in sorted(set(json.loads(weights.read_text())["weight_map"].values()))]
    return record_files(folder / "config.json", weights, *extra)


def files_read() -> dict[str, str]:
    """Every file recorded in this process so far (path -> sha256)."""
    return dict(_READ)
