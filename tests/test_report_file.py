"""How ``aicmo fix`` and ``aicmo new`` read and write the writer's file (``aicmo_core.cli.report_file``):
symlinks followed, hard links, permissions and owner kept, a file changed meanwhile left alone, a
failed write (a full disk) leaving the file as it was and no temporary file, a second run waiting
for the first. The same as processes: ``tests/test_cli_fix_safety.py``."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from aicmo_core.cli import report_file
from aicmo_core.cli.report_file import (
    FileChanged,
    ReportFileError,
    locked,
    read_report,
    refuse_read_only,
    refuse_unwritable,
    write_new,
    write_report,
)

OLD = "# Report\n\nThe writer's text.\n"
NEW = "# Report\n\nThe writer's text, fixed by aicmo and a good deal longer than it was.\n"

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.md"
    path.write_text(OLD, encoding="utf-8")
    return path


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_report_is_replaced_and_keeps_its_permissions(report: Path) -> None:
    report.chmod(0o640)
    inode = report.stat().st_ino
    write_report(read_report(report), NEW)
    assert report.read_text(encoding="utf-8") == NEW
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    assert report.stat().st_ino != inode  # atomically, through a temporary file
    assert names(report.parent) == ["report.md"]


def test_a_symlinked_report_is_written_through_its_link(tmp_path: Path) -> None:
    (tmp_path / "drafts").mkdir()
    target = tmp_path / "drafts" / "real.md"
    target.write_text(OLD, encoding="utf-8")
    link = tmp_path / "report.md"
    link.symlink_to(Path("drafts") / "real.md")
    read = read_report(link)
    assert (read.path, read.target) == (link, target)
    write_report(read, NEW)
    assert link.is_symlink()
    assert os.readlink(link) == str(Path("drafts") / "real.md")
    assert target.read_text(encoding="utf-8") == NEW
    assert names(tmp_path / "drafts") == ["real.md"]


def test_a_hard_linked_report_is_written_in_place(report: Path) -> None:
    other = report.parent / "other-name.md"
    os.link(report, other)
    inode = report.stat().st_ino
    write_report(read_report(report), NEW)
    assert report.stat().st_ino == other.stat().st_ino == inode
    assert other.read_text(encoding="utf-8") == NEW
    assert report.stat().st_nlink == 2
    # Shorter text: the file is cut to it.
    write_report(read_report(other), "short\n")
    assert report.read_bytes() == b"short\n"
    assert names(report.parent) == ["other-name.md", "report.md"]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_report_of_another_owner_keeps_its_owner(report: Path) -> None:
    os.chown(report, 4321, 4321)
    write_report(read_report(report), NEW)
    assert (report.stat().st_uid, report.stat().st_gid) == (4321, 4321)


def test_a_byte_order_mark_and_line_endings_are_kept(report: Path) -> None:
    report.write_bytes(b"\xef\xbb\xbf# Report\r\n\r\nText.\r\n")
    read = read_report(report)
    assert read.text == "# Report\n\nText.\n"
    write_report(read, "# Report\n\nNew text.\n")
    assert report.read_bytes() == b"\xef\xbb\xbf# Report\r\n\r\nNew text.\r\n"


def test_a_read_only_report_is_refused(report: Path) -> None:
    report.chmod(0o444)
    read = read_report(report)
    message = f"{report} is read-only; make it writable to change it (or use --dry-run)"
    with pytest.raises(ReportFileError) as refused:
        refuse_read_only(report, read.target)
    assert str(refused.value) == message
    with pytest.raises(ReportFileError, match="is read-only"):
        write_report(read, NEW)
    with pytest.raises(ReportFileError, match="is read-only"):
        write_new(report, NEW)
    assert report.read_text(encoding="utf-8") == OLD


def test_what_is_not_a_regular_file_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)  # opening it for a blocking read would wait for a writer forever
    link = tmp_path / "stdin.md"
    link.symlink_to("/dev/stdin")
    for path in (fifo, tmp_path):
        with pytest.raises(ReportFileError) as refused:
            read_report(path)
        assert str(refused.value) == f"cannot read {path}: not a regular file"
    with pytest.raises(ReportFileError, match="not a regular file"), locked(fifo, lambda: None):
        pass
    with pytest.raises(ReportFileError, match=r"^cannot read .*stdin.md: "):
        read_report(link)
    with pytest.raises(ReportFileError, match="not a regular file"):
        refuse_unwritable(fifo)
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to("nowhere.md")
    with pytest.raises(ReportFileError) as refused:
        read_report(dangling)
    assert str(refused.value) == f"cannot read {dangling}: no such file"


def test_a_report_that_is_not_utf8_is_a_message(report: Path) -> None:
    report.write_bytes(b"caf\xe9\n")
    with pytest.raises(ReportFileError) as refused:
        read_report(report)
    assert str(refused.value) == f"cannot read {report}: not UTF-8 (invalid continuation byte at byte 3)"


@pytest.mark.parametrize("hard_linked", [False, True], ids=["replaced", "in_place"])
def test_a_report_changed_since_it_was_read_is_not_written(report: Path, hard_linked: bool) -> None:
    if hard_linked:
        os.link(report, report.parent / "other-name.md")
    read = read_report(report)
    with report.open("a", encoding="utf-8") as handle:
        handle.write("A line the writer added meanwhile.\n")
    with pytest.raises(FileChanged) as changed:
        write_report(read, NEW)
    assert str(changed.value) == f"{report} changed since it was read"
    assert report.read_text(encoding="utf-8") == OLD + "A line the writer added meanwhile.\n"
    assert names(report.parent) == (["other-name.md", "report.md"] if hard_linked else ["report.md"])


def test_a_report_removed_or_relinked_since_it_was_read_is_not_written(tmp_path: Path, report: Path) -> None:
    read = read_report(report)
    report.unlink()
    with pytest.raises(FileChanged, match="was removed or cannot be read any more"):
        write_report(read, NEW)
    assert names(tmp_path) == []
    (tmp_path / "a.md").write_text(OLD, encoding="utf-8")
    (tmp_path / "b.md").write_text(OLD, encoding="utf-8")
    report.symlink_to("a.md")
    read = read_report(report)
    report.unlink()
    report.symlink_to("b.md")
    with pytest.raises(FileChanged, match="now names another file"):
        write_report(read, NEW)
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == (tmp_path / "b.md").read_text(encoding="utf-8") == OLD


def failing_write(call: int, error: BaseException) -> Callable[[int, bytes, int], None]:
    """A ``write_all`` whose ``call``-th call writes half its bytes and raises ``error`` (a full
    disk); every other call writes."""
    real = report_file.write_all
    calls = 0

    def write_all(fd: int, data: bytes, offset: int) -> None:
        nonlocal calls
        calls += 1
        if calls == call:
            real(fd, data[: len(data) // 2], offset)
            raise error
        real(fd, data, offset)

    return write_all


DISK_FULL = OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("error", [DISK_FULL, KeyboardInterrupt()], ids=["disk_full", "interrupted"])
def test_a_failed_replace_leaves_the_report_and_no_temporary_file(
    report: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    monkeypatch.setattr(report_file, "write_all", failing_write(1, error))
    with pytest.raises(type(error)):
        write_report(read_report(report), NEW)
    assert report.read_text(encoding="utf-8") == OLD
    assert names(report.parent) == ["report.md"]


@pytest.mark.parametrize("call", [1, 2], ids=["growing", "overwriting"])
def test_a_failed_write_in_place_puts_the_report_back(report: Path, monkeypatch: pytest.MonkeyPatch, call: int) -> None:
    # Call 1 grows the file to the new size (where a full disk fails), call 2 overwrites it.
    os.link(report, report.parent / "other-name.md")
    monkeypatch.setattr(report_file, "write_all", failing_write(call, DISK_FULL))
    with pytest.raises(OSError, match="No space left on device"):
        write_report(read_report(report), NEW)
    assert report.read_text(encoding="utf-8") == OLD
    assert names(report.parent) == ["other-name.md", "report.md"]


def test_a_failed_new_report_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_file, "write_all", failing_write(1, DISK_FULL))
    with pytest.raises(OSError, match="No space left on device"):
        write_new(tmp_path / "new.md", NEW)
    assert names(tmp_path) == []


def test_a_new_report_gets_the_permissions_of_a_new_file(tmp_path: Path) -> None:
    mask = os.umask(0o027)
    try:
        write_new(tmp_path / "new.md", NEW)
    finally:
        os.umask(mask)
    assert (tmp_path / "new.md").read_text(encoding="utf-8") == NEW
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640
    with pytest.raises(ReportFileError) as refused:
        write_new(tmp_path / "no" / "new.md", NEW)
    assert str(refused.value) == f"cannot write {tmp_path / 'no' / 'new.md'}: no folder {tmp_path / 'no'}"


def test_a_new_report_over_a_link_writes_its_target(tmp_path: Path) -> None:
    (tmp_path / "real.md").write_text(OLD, encoding="utf-8")
    (tmp_path / "link.md").symlink_to("real.md")
    (tmp_path / "dangling.md").symlink_to("later.md")
    write_new(tmp_path / "link.md", NEW)
    write_new(tmp_path / "dangling.md", NEW)
    assert (tmp_path / "link.md").is_symlink() and (tmp_path / "dangling.md").is_symlink()
    assert (tmp_path / "real.md").read_text(encoding="utf-8") == (tmp_path / "later.md").read_text("utf-8") == NEW


@contextmanager
def unwritable_folder(folder: Path) -> Iterator[None]:
    """No new file can be made in ``folder``, by root too (the immutable flag); its files stay writable."""
    mode = folder.stat().st_mode
    folder.chmod(0o555)
    chattr = shutil.which("chattr")
    immutable = os.geteuid() == 0
    if immutable and (
        chattr is None or subprocess.run([chattr, "+i", folder], capture_output=True, check=False).returncode
    ):
        folder.chmod(mode)
        pytest.skip("running as root where chattr +i is unavailable")
    try:
        yield
    finally:
        if immutable:
            assert chattr is not None
            subprocess.run([chattr, "-i", folder], check=True)
        folder.chmod(mode)


def test_a_folder_without_room_for_a_temporary_file_is_written_in_place(report: Path) -> None:
    inode = report.stat().st_ino
    with unwritable_folder(report.parent):
        write_report(read_report(report), NEW)
    assert report.read_text(encoding="utf-8") == NEW
    assert report.stat().st_ino == inode
    assert names(report.parent) == ["report.md"]


def test_a_second_run_waits_for_the_first_and_reads_what_it_wrote(report: Path) -> None:
    waiting = threading.Event()
    seen: list[str] = []

    def second_run() -> None:
        with locked(report, waiting.set) as read:
            seen.append(read.text)

    with locked(report, lambda: pytest.fail("nobody holds the lock yet")) as first:
        thread = threading.Thread(target=second_run)
        thread.start()
        assert waiting.wait(10), "the second run did not find the lock taken"
        assert seen == []
        write_report(first, NEW)  # a new inode: the second run must lock that one, not the old
    thread.join(10)
    assert seen == [NEW]
