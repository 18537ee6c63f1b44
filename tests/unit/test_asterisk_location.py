"""Finding the mirror for the Asterisk root in the host's apt sources, in both formats."""

from pathlib import Path

from hotline.asterisk.location import AsteriskLocation, apt_mirror


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
