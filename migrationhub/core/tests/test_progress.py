"""Long commands say how far they are: lines when not on a terminal, nothing outside commands."""

import io

from migrationhub.core import progress


def test_lines_every_tenth_when_the_stream_is_not_a_terminal():
    out = io.StringIO()
    with progress.reporting(out):
        assert list(progress.track(range(20), "rows")) == list(range(20))
    lines = out.getvalue().splitlines()
    assert lines[0] == "rows: 2/20 (10%)" and lines[-1] == "rows: 20/20 (100%)"
    assert len(lines) == 10


def test_silent_outside_a_command():
    assert list(progress.track(range(3), "rows")) == [0, 1, 2]
    progress.note("nothing to say")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_on_a_terminal():
    out = Terminal()
    with progress.reporting(out):
        list(progress.track(range(50), "rows"))
    assert "rows" in out.getvalue() and "/50" in out.getvalue()
