"""Settings: defaults, file, environment; wrong values are refused with the setting's name."""

from pathlib import Path

import pytest

from hotline.settings import SettingsError, load_settings


def test_environment_overrides_file_which_overrides_defaults(tmp_path: Path) -> None:
    config = tmp_path / "hotline.toml"
    config.write_text('state_dir = "/srv/state"\n[acd]\nring_timeout_seconds = 20\noverflow_after_seconds = 45\n')
    settings = load_settings(config, environ={"HOTLINE_ACD_OVERFLOW_AFTER_SECONDS": "12.5"})
    assert settings.state_dir == "/srv/state"
    assert settings.acd.ring_timeout_seconds == 20
    assert settings.acd.overflow_after_seconds == 12.5
    assert settings.database_url == "sqlite:////srv/state/hotline.db"


def test_database_url_from_environment() -> None:
    settings = load_settings(environ={"HOTLINE_DATABASE_URL": "postgresql+psycopg2://u@h/db"})
    assert settings.database_url == "postgresql+psycopg2://u@h/db"


def test_wrong_type_names_the_setting() -> None:
    with pytest.raises(SettingsError, match="asterisk.sip_port"):
        load_settings(environ={"HOTLINE_ASTERISK_SIP_PORT": "five thousand"})


def test_unknown_key_in_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "hotline.toml"
    config.write_text("[acd]\nring_timout = 3\n")
    with pytest.raises(SettingsError, match="acd.ring_timout"):
        load_settings(config, environ={})
