"""Build the telephone prompts: ``target_dir/<lang>/<key>.wav`` for every text and number word.

    python -m sounds.build TARGET_DIR [--language zh --language en] [--key greeting ...]

A file is rebuilt only when its text, voice or processing changed: ``target_dir/manifest.json``
keeps a hash per prompt.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sounds.catalog import LANGUAGES, prompt_texts
from sounds.exceptions import PromptBuildError, ToolMissingError
from sounds.say import prompt_path
from sounds.synth import ESPEAK, SOX, SOX_EFFECTS, SOX_OUTPUT, TOOL_PACKAGES, split_segments, synthesize

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
DEFAULT_WORKERS = min(8, os.cpu_count() or 1)


@dataclass(frozen=True)
class BuildReport:
    """What a build did: ``built`` files synthesised, ``skipped`` files unchanged since last time."""

    target_dir: Path
    built: int
    skipped: int
    seconds: float
    built_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Job:
    name: str  # "<lang>/<key>", the media name without extension
    language: str
    text: str
    digest: str


def build_prompts(
    target_dir: Path,
    languages: Sequence[str] = ("zh", "en"),
    keys: Iterable[str] | None = None,
    *,
    extra_texts: Mapping[str, Mapping[str, str]] | None = None,
    workers: int = DEFAULT_WORKERS,
) -> BuildReport:
    """Synthesise every prompt of ``languages`` (or only ``keys``) into ``target_dir``.

    ``extra_texts`` ({language: {key: text}}) adds prompts whose texts are data kept elsewhere, such as
    security names (``sounds.phrases.security_prompt_texts``).

    Raises ToolMissingError / PromptBuildError when espeak-ng or sox is missing or fails, and
    ValueError for an unknown language or key. Files built before a failure are kept and recorded.
    """
    started = time.monotonic()
    target_dir = Path(target_dir)
    jobs = _plan(languages, None if keys is None else list(keys), extra_texts or {})
    manifest = _load_manifest(target_dir)
    todo = [job for job in jobs if not _is_current(job, manifest, target_dir)]
    if todo:
        _check_tools()
        _run_jobs(todo, target_dir, manifest, workers)
    report = BuildReport(target_dir, len(todo), len(jobs) - len(todo), time.monotonic() - started,
                         tuple(job.name for job in todo))
    logger.info("prompts in %s: built %d, skipped %d in %.1f s",
                target_dir, report.built, report.skipped, report.seconds)
    return report


def _plan(languages: Sequence[str], keys: list[str] | None,
          extra_texts: Mapping[str, Mapping[str, str]]) -> list[_Job]:
    jobs = []
    for language in languages:
        texts = {**prompt_texts(language), **extra_texts.get(language, {})}
        selected = list(texts) if keys is None else keys
        unknown = sorted(set(selected) - set(texts))
        if unknown:
            raise ValueError(f"unknown prompt key(s) for {language}: {', '.join(unknown)}")
        jobs += [_job(language, key, texts[key]) for key in selected]
    return jobs


def _job(language: str, key: str, text: str) -> _Job:
    segments = [[s.voice, s.rate, s.text] for s in split_segments(text, language)]
    recipe = {"segments": segments, "sox": [*SOX_OUTPUT, *SOX_EFFECTS]}
    digest = hashlib.sha256(json.dumps(recipe, ensure_ascii=False).encode()).hexdigest()
    return _Job(prompt_path(key, language), language, text, digest)


def _wav_path(target_dir: Path, name: str) -> Path:
    return target_dir / f"{name}.wav"


def _is_current(job: _Job, manifest: dict[str, str], target_dir: Path) -> bool:
    return manifest.get(job.name) == job.digest and _wav_path(target_dir, job.name).is_file()


def _check_tools() -> None:
    for tool in (ESPEAK, SOX):
        if shutil.which(tool) is None:
            raise ToolMissingError(tool, TOOL_PACKAGES[tool])


def _run_jobs(jobs: list[_Job], target_dir: Path, manifest: dict[str, str], workers: int) -> None:
    lock = threading.Lock()

    def build_one(job: _Job) -> None:
        out = _wav_path(target_dir, job.name)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.stem}.partial.wav")
        synthesize(split_segments(job.text, job.language), partial)
        partial.replace(out)
        with lock:
            manifest[job.name] = job.digest

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="prompt") as pool:
            futures: list[Future[None]] = [pool.submit(build_one, job) for job in jobs]
            for future in futures:
                if future.exception() is not None:
                    pool.shutdown(cancel_futures=True)
                    future.result()
    finally:
        _save_manifest(target_dir, manifest)


def _load_manifest(target_dir: Path) -> dict[str, str]:
    path = target_dir / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        logger.warning("ignoring unreadable prompt manifest %s: %s", path, exc)
        return {}
    prompts = data.get("prompts") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in prompts.items()} if isinstance(prompts, dict) else {}


def _save_manifest(target_dir: Path, manifest: dict[str, str]) -> None:
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / MANIFEST_NAME
    partial = path.with_name(f".{MANIFEST_NAME}.partial")
    body = {"prompts": dict(sorted(manifest.items()))}
    partial.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    partial.replace(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sounds.build", description=__doc__.split("\n")[0])
    parser.add_argument("target_dir", type=Path)
    parser.add_argument("--language", "-l", action="append", choices=LANGUAGES,
                        help="language to build (repeatable; default: all)")
    parser.add_argument("--key", "-k", action="append", help="only this prompt key (repeatable)")
    parser.add_argument("--workers", "-j", type=int, default=DEFAULT_WORKERS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        report = build_prompts(args.target_dir, args.language or LANGUAGES, args.key, workers=args.workers)
    except (PromptBuildError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"built {report.built}, skipped {report.skipped} in {report.seconds:.1f} s -> {report.target_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
