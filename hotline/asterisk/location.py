"""Where Asterisk runs: the host's own (>= 20) or a Debian sid root built once with debootstrap.

The root is built under the user's cache folder, from the mirror named in the host's apt sources.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from hotline.progress import step

MIN_MAJOR_VERSION = 20
ROOT_PACKAGES = "asterisk,asterisk-core-sounds-en,asterisk-moh-opsound-wav,asterisk-modules"
FALLBACK_SUITE = "sid"


class AsteriskUnavailable(RuntimeError):
    """No usable Asterisk and no way to build one here."""


@dataclass(frozen=True)
class AsteriskLocation:
    """Asterisk's file-system view: `root` is the chroot folder, or None for the host's Asterisk."""

    root: Path | None

    def command(self, *args: str) -> list[str]:
        if self.root is None:
            return ["asterisk", *args]
        return ["chroot", str(self.root), "asterisk", *args]

    def host_path(self, asterisk_path: str) -> Path:
        """The host path of a path as Asterisk sees it."""
        if self.root is None:
            return Path(asterisk_path)
        return self.root / asterisk_path.lstrip("/")

    def describe(self) -> str:
        return "host Asterisk" if self.root is None else f"Debian sid root at {self.root}"


def default_root() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "hotline" / "asterisk-root"


def host_asterisk_version() -> int | None:
    """The major version of `asterisk` on PATH, or None if there is none."""
    if shutil.which("asterisk") is None:
        return None
    try:
        output = subprocess.run(["asterisk", "-V"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"Asterisk (\d+)", output)
    return int(match.group(1)) if match else None


def locate(configured_root: str = "", *, build: bool = True) -> AsteriskLocation:
    """Pick the Asterisk to run (DESIGN.md, "How Asterisk starts"); with `build`, the sid root is built
    if missing, otherwise it is only named (commands that talk to a running Asterisk)."""
    if configured_root:
        root = Path(configured_root)
    elif (host_asterisk_version() or 0) >= MIN_MAJOR_VERSION:
        return AsteriskLocation(None)
    else:
        root = default_root()
    if build:
        ensure_root(root)
    return AsteriskLocation(root)


def root_is_complete(root: Path) -> bool:
    return (root / "usr/sbin/asterisk").exists() and (root / ".hotline-root-complete").exists()


def ensure_root(root: Path) -> None:
    if root_is_complete(root):
        return
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.with_name(root.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process (a parallel test group) may be building it: wait
        if not root_is_complete(root):
            build_root(root)


def apt_mirror(sources_dir: Path = Path("/etc/apt")) -> str | None:
    """The first Debian archive URI of the host's apt sources (deb822 or one-line style)."""
    candidates: list[str] = []
    files = [sources_dir / "sources.list", *sorted((sources_dir / "sources.list.d").glob("*"))]
    for path in files:
        if not path.is_file():
            continue
        for line in path.read_text(errors="replace").splitlines():
            line = line.strip()
            if line.startswith("URIs:"):
                candidates.extend(line.split()[1:])
            elif line.startswith("deb "):
                candidates.extend(part for part in line.split() if "://" in part)
    for uri in candidates:
        if re.search(r"/debian/?$", uri):
            return uri
    return None


def build_root(root: Path) -> None:
    """debootstrap a minimal Debian sid with the asterisk package into `root` (needs root and network)."""
    if os.geteuid() != 0:
        raise AsteriskUnavailable(
            "no Asterisk >= 20 on PATH, and building the Debian sid root needs root (chroot, debootstrap)"
        )
    if shutil.which("debootstrap") is None:
        raise AsteriskUnavailable("debootstrap is missing: apt-get install debootstrap")
    partial = root.with_name(root.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    command = ["debootstrap", "--variant=minbase", f"--include={ROOT_PACKAGES}", FALLBACK_SUITE, str(partial)]
    mirror = apt_mirror()
    if mirror:
        command.append(mirror)
    step(f"building the Asterisk root (Debian {FALLBACK_SUITE}) in {root}; this takes a minute or two")
    tail: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            tail = (tail + [line.rstrip()])[-20:]
            if line.startswith("I: Retrieving") or line.startswith("I: Unpacking the base") or \
                    line.startswith("I: Configuring") or line.startswith("I: Base system installed"):
                step("  " + line.strip()[3:])
    if process.returncode != 0:
        raise AsteriskUnavailable("debootstrap failed:\n" + "\n".join(tail))
    (partial / ".hotline-root-complete").write_text("built by hotline\n")
    shutil.rmtree(root, ignore_errors=True)
    partial.rename(root)
    step("Asterisk root ready")
