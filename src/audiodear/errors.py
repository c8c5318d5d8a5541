"""Errors for bad input. Each message names the file, row or key and the field at fault."""
from __future__ import annotations


class InputError(ValueError):
    """Bad input the user can fix: a file, a row or a configuration value."""


class ConfigError(InputError):
    """A configuration key is unknown or holds a value that cannot be used."""


class ManifestError(InputError):
    """A manifest, metadata file or clip list holds a problem."""


class AudioError(InputError):
    """An audio file is missing, unreadable or unusable."""


class TrainingError(RuntimeError):
    """Training cannot go on (for example a non-finite loss)."""


class CheckpointError(ConfigError):
    """A checkpoint is not the one its loader expects: tensors missing, unexpected or of another shape,
    or a configuration fact (sample rate, hop, mel bins, fusion, width) that the project cannot use."""
