"""Builds the pieces shared by the CLI commands: the Asterisk instance and the database."""

from __future__ import annotations

from hotline.asterisk.instance import AsteriskInstance
from hotline.asterisk.location import locate
from hotline.secrets import load_or_create
from hotline.settings import Settings


def asterisk_instance(settings: Settings, *, build: bool = True) -> AsteriskInstance:
    """The instance these settings describe; with `build`, the sid root is built if missing."""
    location = locate(settings.asterisk.root, build=build)
    return AsteriskInstance(settings, location, load_or_create(settings.state_path))
