"""A survey version's texts as audio: each text spoken once per version and language with espeak-ng at 8 kHz
by the notify app's MessageAudio, into `survey/v<version id>-<prompt>-<language>.wav` under the instance's
sounds folder; a version never changes, so a file made is kept for the next batch. The beep before a comment
is Asterisk's own sound."""

from __future__ import annotations

from ari_apps.notify.speech import MessageAudio
from ari_apps.survey.machine import BEEP
from crm_core.surveys.definition import LANGUAGES, Survey


def prompt_media(audio: MessageAudio, version_id: int, survey: Survey) -> dict[str, dict[str, str]]:
    """Language -> prompt ("intro", "q:<id>", ...) -> media URI, making what is missing (blocking)."""
    media: dict[str, dict[str, str]] = {language: {BEEP: f"sound:{BEEP}"} for language in LANGUAGES}
    for what, texts in survey.texts().items():
        for language in LANGUAGES:
            name = f"v{version_id}-{what.replace(':', '-')}-{language}"
            media[language][what] = audio.make_once(name, texts[language], language)
    return media
