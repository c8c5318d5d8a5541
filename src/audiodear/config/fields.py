"""Field makers of the schema: a choice field carries its vocabulary, a number its bounds, in the
field's metadata, which ``validate.check_fields`` reads (OmegaConf sees a plain typed field)."""
from __future__ import annotations

from dataclasses import field

from .. import choices as C


def choice(default, options, **kw):
    """A ``str`` field whose value must be one of the ``Literal`` ``options``."""
    return field(default=default, metadata={"choices": C.values(options)}, **kw)


def bounded(default, *, ge=None, gt=None, le=None, lt=None):
    """A numeric field with bounds (``ge``: >=, ``gt``: >, ``le``: <=, ``lt``: <)."""
    return field(default=default, metadata={k: v for k, v in (("ge", ge), ("gt", gt), ("le", le), ("lt", lt))
                                            if v is not None})


def fraction(default):
    return bounded(default, ge=0.0, le=1.0)
