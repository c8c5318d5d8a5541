"""The embedded corpus: procedurally generated, captioned sound clips."""
