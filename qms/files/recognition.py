"""Scanned PDFs and pictures of pages recognised with OCRmyPDF and Tesseract into a searchable PDF rendition.

Pictures become a PDF first (Pillow, under its decompression-bomb guard); OCRmyPDF then adds the text
layer, skipping any page that already has one, under a page limit, a pixel limit and a time limit. The
mean word confidence comes from the hOCR that Tesseract wrote for each page.
"""

from __future__ import annotations

import functools
import io
import os
import re
import subprocess
import tempfile
import warnings
from pathlib import Path

from qms.files.conversion import ConversionFailed, ConversionLimits, Produced, run_bounded
from qms.messages import Message
from qms.text.vietnamese import normalize

OCRMYPDF = "ocrmypdf"
_WORD_CONFIDENCE = re.compile(rb"x_wconf (\d+)")
_SKIPPED_PAGE = re.compile(r"^\[OCR skipped on page\(s\) [\d\-, ]+\]$", re.M)

# OCRmyPDF's exit codes that name what is wrong with the input (others are failures of the run).
_EXIT_REASONS = {
    2: Message("Tệp PDF không hợp lệ hoặc bị hỏng, không nhận dạng được."),
    8: Message("Tệp PDF được đặt mật khẩu, không nhận dạng được."),
}


@functools.cache
def ocr_version() -> str:
    """'OCRmyPDF x.y.z, Tesseract a.b.c' as the tools report themselves."""
    def first_version(args: list[str]) -> str:
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return "unknown"
        found = re.search(r"(\d+\.\d+[\w.\-+]*)", done.stdout + done.stderr)
        return found.group(1) if found else "unknown"

    return f"{first_version([OCRMYPDF, '--version'])}; Tesseract {first_version(['tesseract', '--version'])}"


def page_count(data: bytes) -> int | None:
    """How many pages a PDF has, None when it cannot be read."""
    try:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # noqa: BLE001 - the recogniser will say what is wrong with it
        return None


def images_to_pdf(data: bytes, limits: ConversionLimits) -> bytes:
    """Every frame of a picture (a multi-page TIFF has several) as one PDF page, at the picture's resolution."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                frames = getattr(image, "n_frames", 1)
                if frames > limits.max_pages:
                    raise ConversionFailed("too_many_pages", _too_many(frames, limits), retry=False)
                dpi = image.info.get("dpi") or (300, 300)
                pages = []
                for index in range(frames):
                    image.seek(index)
                    page = image.convert("L") if image.mode not in ("1", "L", "RGB") else image.copy()
                    pages.append(page)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ConversionFailed("image_too_large", Message("Ảnh quá lớn để nhận dạng."), retry=False) from None
    except ConversionFailed:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of error on a broken image
        raise ConversionFailed("unreadable", Message("Tệp ảnh bị hỏng hoặc không đọc được."), retry=False) from None
    out = io.BytesIO()
    resolution = float(dpi[0]) if dpi and dpi[0] else 300.0
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=max(resolution, 72.0))
    return out.getvalue()


def recognise(data: bytes, file_type: str, limits: ConversionLimits) -> Produced:
    """A searchable PDF of a scan (pdf) or a picture (jpg, png, tif), with its recognised text and confidence."""
    pdf = data if file_type == "pdf" else images_to_pdf(data, limits)
    pages = page_count(pdf)
    if pages is not None and pages > limits.max_pages:
        raise ConversionFailed("too_many_pages", _too_many(pages, limits), retry=False)
    with tempfile.TemporaryDirectory(prefix="qms-ocr-") as work:
        root = Path(work)
        (root / "source.pdf").write_bytes(pdf)
        (root / "tmp").mkdir()
        env = {**os.environ, "TMPDIR": str(root / "tmp"), "OMP_THREAD_LIMIT": "1"}
        code, err = run_bounded(
            [OCRMYPDF, "-l", limits.ocr_language, "--output-type", "pdf", "--pdf-renderer", "hocr", "--skip-text",
             "--keep-temporary-files", "--optimize", "0", "--jobs", str(limits.ocr_jobs), "--quiet",
             "--max-image-mpixels", str(max(1, limits.max_image_pixels // 1_000_000)),
             "--sidecar", "text.txt", "source.pdf", "searchable.pdf"],
            timeout=limits.ocr_timeout, cwd=root, env=env,
        )
        result = root / "searchable.pdf"
        if code != 0 or not result.is_file():
            reason = _EXIT_REASONS.get(code) or Message("Không nhận dạng được chữ trong tệp (OCR thất bại).")
            raise ConversionFailed("ocr_failed", reason, retry=code not in _EXIT_REASONS)
        content = result.read_bytes()
        sidecar = root / "text.txt"
        text = sidecar.read_text(encoding="utf-8", errors="replace") if sidecar.is_file() else ""
        confidences = [int(value) for hocr in (root / "tmp").rglob("*.hocr")
                       for value in _WORD_CONFIDENCE.findall(hocr.read_bytes())]
    text = normalize(_SKIPPED_PAGE.sub("", text)).strip()
    confidence = round(sum(confidences) / len(confidences), 1) if confidences else None
    return Produced(content, "pdf", "OCRmyPDF", ocr_version(), pages, text, confidence)


def _too_many(pages: int, limits: ConversionLimits) -> Message:
    return Message("Tệp có %(pages)s trang, vượt quá giới hạn %(limit)s trang cho nhận dạng chữ.", pages=pages,
                   limit=limits.max_pages)
