from __future__ import annotations

import json
import wave
from pathlib import Path

import pytest

from sounds import build as build_module
from sounds.build import MANIFEST_NAME, build_prompts, main
from sounds.exceptions import PromptBuildError, ToolMissingError

KEYS = ["greeting", "num/7"]


def _check_telephone_wav(path: Path, min_seconds: float) -> None:
    with wave.open(str(path)) as wav:
        assert wav.getframerate() == 8000
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2
        assert wav.getcomptype() == "NONE"
        assert wav.getnframes() / 8000 >= min_seconds
        frames = wav.readframes(wav.getnframes())
    assert max(abs(int.from_bytes(frames[i:i + 2], "little", signed=True))
               for i in range(0, len(frames), 2)) > 3000, "silent prompt"


def test_build_really_synthesises_and_then_skips(tmp_path: Path) -> None:
    report = build_prompts(tmp_path, ("zh", "en"), keys=KEYS)
    assert (report.built, report.skipped) == (4, 0)
    assert set(report.built_names) == {"zh/greeting", "zh/num/7", "en/greeting", "en/num/7"}
    for language in ("zh", "en"):
        _check_telephone_wav(tmp_path / language / "greeting.wav", min_seconds=0.8)
        _check_telephone_wav(tmp_path / language / "num" / "7.wav", min_seconds=0.15)
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text())["prompts"]
    assert set(manifest) == set(report.built_names)

    again = build_prompts(tmp_path, ("zh", "en"), keys=KEYS)
    assert (again.built, again.skipped) == (0, 4)


def test_changed_recipe_or_missing_file_is_rebuilt(tmp_path: Path) -> None:
    build_prompts(tmp_path, ("en",), keys=["num/7", "num/8"])
    (tmp_path / "en" / "num" / "7.wav").unlink()
    manifest_path = tmp_path / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    manifest["prompts"]["en/num/8"] = "stale"
    manifest_path.write_text(json.dumps(manifest))

    report = build_prompts(tmp_path, ("en",), keys=["num/7", "num/8", "num/9"])
    assert sorted(report.built_names) == ["en/num/7", "en/num/8", "en/num/9"]


def test_bilingual_prompt_mixes_two_voices(tmp_path: Path) -> None:
    build_prompts(tmp_path, ("en",), keys=["language_menu"])
    _check_telephone_wav(tmp_path / "en" / "language_menu.wav", min_seconds=2.0)


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="num/11"):
        build_prompts(tmp_path, ("zh",), keys=["num/11"])  # English-only number word


def test_missing_tool_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ToolMissingError, match="espeak-ng") as caught:
        build_prompts(tmp_path, ("en",), keys=["greeting"])
    assert caught.value.command == ["espeak-ng"]
    assert "apt" in caught.value.stderr or "package" in caught.value.stderr


def test_failing_tool_reports_command_and_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "synthesize", _broken_synthesize)
    with pytest.raises(PromptBuildError, match="voice does not exist") as caught:
        build_prompts(tmp_path / "out", ("en",), keys=["greeting"])
    assert caught.value.command[:3] == ["espeak-ng", "-v", "xx-nonexistent"]


def _broken_synthesize(segments: object, out_path: Path) -> None:
    from sounds.synth import ESPEAK, _run

    _run([ESPEAK, "-v", "xx-nonexistent", "-w", str(out_path), "hello"])
    raise AssertionError("espeak-ng accepted an unknown voice")


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--language", "en", "--key", "num/3"]) == 0
    assert "built 1, skipped 0" in capsys.readouterr().out
    assert main([str(tmp_path), "--language", "en", "--key", "nope"]) == 1
    assert "unknown prompt key" in capsys.readouterr().err
