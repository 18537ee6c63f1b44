"""Documents made into what a channel carries: HTML to PDF (WeasyPrint), PDF to a fax image (TIFF class F:
ITU T.4 1-D (MH) pages, 1728 pixels wide, 204x196 dpi, A4 fitted) with ghostscript, and the page count of a
TIFF (Pillow), and a received fax TIFF to PDF (tiff2pdf). Needs Debian's `ghostscript`, `libtiff-tools` and a CJK
font (`fonts-wqy-microhei`) for Chinese text."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

FAX_WIDTH_PIXELS = 1728
FAX_HEIGHT_PIXELS = 2292  # A4 (297 mm) at 196 lines per inch
GS_TIMEOUT_SECONDS = 60
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per step at INFO otherwise


class DocumentError(RuntimeError):
    """The document could not be made (a missing tool, a broken input)."""


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango and fonts, which only senders of documents need

    pdf = HTML(string=html).write_pdf()
    if not pdf:
        raise DocumentError("WeasyPrint made no PDF")
    return bytes(pdf)


def pdf_to_fax_tiff(pdf: bytes, target: Path) -> int:
    """Write `pdf` as a fax TIFF to `target`; returns its page count."""
    gs = shutil.which("gs")
    if gs is None:
        raise DocumentError("ghostscript (gs) is not installed: Debian package ghostscript")
    with tempfile.TemporaryDirectory(prefix="hotline-fax-") as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        made = Path(folder) / "out.tif"
        command = [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffg3", "-r204x196",
                   f"-g{FAX_WIDTH_PIXELS}x{FAX_HEIGHT_PIXELS}", "-dFIXEDMEDIA", "-dPDFFitPage",
                   f"-sOutputFile={made}", str(source)]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=GS_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            raise DocumentError(f"ghostscript took more than {GS_TIMEOUT_SECONDS}s") from exc
        if result.returncode != 0 or not made.is_file():
            raise DocumentError(f"ghostscript failed ({result.returncode}): {result.stderr.strip()[:300]}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), str(target))
    return tiff_pages(target)


def tiff_pages(path: Path) -> int:
    """The number of pages of a TIFF file; DocumentError if it is not one."""
    from PIL import Image  # only here: Pillow would cost every command-line start ~0.2 s of CPU

    try:
        with Image.open(path) as image:
            if image.format != "TIFF":
                raise DocumentError(f"{path} is {image.format}, not TIFF")
            return int(getattr(image, "n_frames", 1))
    except (OSError, SyntaxError) as exc:
        raise DocumentError(f"{path} is not a readable TIFF: {exc}") from exc


def fax_tiff_to_pdf(path: Path) -> bytes:
    """A received fax (TIFF) as a PDF, each page at its own resolution (tiff2pdf, Debian's libtiff-tools)."""
    tool = shutil.which("tiff2pdf")
    if tool is None:
        raise DocumentError("tiff2pdf is not installed: Debian package libtiff-tools")
    tiff_pages(path)  # DocumentError if it is not a TIFF
    with tempfile.TemporaryDirectory(prefix="hotline-fax-") as folder:
        made = Path(folder) / "fax.pdf"
        try:
            result = subprocess.run([tool, "-o", str(made), str(path)], capture_output=True, text=True,
                                    timeout=GS_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            raise DocumentError(f"tiff2pdf took more than {GS_TIMEOUT_SECONDS}s") from exc
        if result.returncode != 0 or not made.is_file():
            raise DocumentError(f"tiff2pdf failed ({result.returncode}): {result.stderr.strip()[:300]}")
        return made.read_bytes()


def html_to_fax_tiff(html: str, target: Path) -> int:
    """The HTML laid out on A4 pages and written as a fax TIFF; returns the page count."""
    return pdf_to_fax_tiff(html_to_pdf(html), target)
