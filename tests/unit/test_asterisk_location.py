"""Finding the mirror for the Asterisk root in the host's apt sources, in both formats; one builder at a time."""

import fcntl
import threading
from pathlib import Path

import pytest

from hotline.asterisk import location
from hotline.asterisk.location import AsteriskLocation, apt_mirror, ensure_root


def test_mirror_from_deb822_sources(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.example/debian-security\nSuites: x\n\n"
        "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\n")
    assert apt_mirror(tmp_path) == "http://mirror.example/debian"


def test_mirror_from_one_line_sources(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text("deb [arch=amd64] http://other.example/debian/ bookworm main\n")
    assert apt_mirror(tmp_path) == "http://other.example/debian/"


def test_no_debian_mirror(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text("deb https://packages.example/apt stable main\n")
    assert apt_mirror(tmp_path) is None


def test_chroot_paths_and_command() -> None:
    location = AsteriskLocation(Path("/cache/root"))
    assert location.host_path("/srv/hotline/main/etc") == Path("/cache/root/srv/hotline/main/etc")
    assert location.command("-rx", "core show version")[:3] == ["chroot", "/cache/root", "asterisk"]
    assert AsteriskLocation(None).host_path("/etc/asterisk") == Path("/etc/asterisk")


def test_a_second_process_waits_for_the_root_being_built_and_uses_it(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Parallel test groups start at once on a fresh machine: only one may run debootstrap."""
    root = tmp_path / "asterisk-root"
    builds: list[Path] = []
    monkeypatch.setattr(location, "build_root", builds.append)  # must not be called: the other one builds
    with open(tmp_path / "asterisk-root.lock", "w") as other_builder:
        fcntl.flock(other_builder, fcntl.LOCK_EX)
        waiter = threading.Thread(target=ensure_root, args=(root,))
        waiter.start()
        waiter.join(0.5)
        assert waiter.is_alive()  # waiting for the lock, not building a second root beside the first
        (root / "usr/sbin").mkdir(parents=True)
        (root / "usr/sbin/asterisk").touch()
        (root / ".hotline-root-complete").touch()
    waiter.join(5)
    assert not waiter.is_alive() and builds == []
