"""Atomic writes leave finished outputs with the mode any new file gets, not mkstemp's owner-only."""
import os
import stat

from audiodear.utils.atomic import FILE_MODE, write_text


def test_a_finished_output_gets_the_umask_mode(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    write_text(tmp_path / "table.md", "| a |\n")
    mode = stat.S_IMODE((tmp_path / "table.md").stat().st_mode)
    assert mode == FILE_MODE == 0o666 & ~umask
    assert mode & stat.S_IRGRP or umask & 0o040  # group-readable unless the umask says otherwise
    (tmp_path / "plain.md").write_text("x")
    assert mode == stat.S_IMODE((tmp_path / "plain.md").stat().st_mode)  # as an ordinary new file
