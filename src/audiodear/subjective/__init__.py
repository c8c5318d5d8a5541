"""The subjective listening test: a blinded rating bundle, the rating page, ingestion and MOS statistics.

- ``bundle.build_bundle``: pick clips, blind and loudness-normalise them, write the raters' folder
  and the answer key.
- ``page/``: the static rating page (``index.html``, ``app.js``, ``style.css``), package data.
- ``ingest.ingest``: read and validate returned rating files, un-blind them with the key.
- ``stats.mos_table``: per-system mean opinion scores with std, s.e. and 95 % CI.
"""
