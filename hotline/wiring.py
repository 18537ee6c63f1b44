"""Builds the pieces shared by the CLI commands: the Asterisk instance and the database."""

from __future__ import annotations

from hotline.asterisk.instance import AsteriskInstance
from hotline.asterisk.location import AsteriskLocation, default_root, host_asterisk_version, locate
from hotline.secrets import load_or_create
from hotline.settings import Settings


def asterisk_instance(settings: Settings, *, build: bool = True) -> AsteriskInstance:
    """The instance these settings describe; with `build`, the sid root is built if missing."""
    if build:
        location = locate(settings.asterisk.root)
    elif settings.asterisk.root:
        location = AsteriskLocation(__import__("pathlib").Path(settings.asterisk.root))
    elif (host_asterisk_version() or 0) >= 20:
        location = AsteriskLocation(None)
    else:
        location = AsteriskLocation(default_root())
    return AsteriskInstance(settings, location, load_or_create(settings.state_path))
