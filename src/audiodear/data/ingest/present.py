"""Which of the plan's data sources are on disk: the ingest rule's inputs, checked at DAG build time.

A source marked ``optional`` whose metadata file is absent is left out of the run. A required one
that is absent stops the run here, with a message naming the source and the key to change, rather
than with Snakemake's generic missing-input error that names only a file.
"""
from __future__ import annotations

import os

from ...errors import ConfigError


def metadata_inputs(data) -> list[str]:
    """Metadata paths of every source that is present; ConfigError listing every required one that is not."""
    present, missing = [], []
    for i, src in enumerate(data.sources):
        path = os.path.join(data.root, src.metadata)
        if os.path.isfile(path):
            present.append(path)
        elif not src.optional:
            missing.append(f"data.sources[{i}] ({src.format}, split {src.split}): metadata file {path} not found")
    if missing:
        raise ConfigError("required data source(s) missing:\n  " + "\n  ".join(missing) + "\nRemove each such entry "
                          "from the data sources (params/data/<name>.yaml) or mark it 'optional: true' "
                          "(key data.sources[<n>].optional) if that corpus or split is not always present.")
    return present
