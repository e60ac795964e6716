"""A page of typed Vietnamese drawn with DejaVu Sans at 300 dpi: the scan whose text is known."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SCAN_LINES = [
    "QUY TRÌNH CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH",
    "Căn cứ Nghị định số 23/2015/NĐ-CP ngày 16 tháng 02 năm 2015",
    "của Chính phủ về cấp bản sao từ sổ gốc, chứng thực bản sao.",
    "Bước 1: Công dân nộp hồ sơ tại bộ phận tiếp nhận và trả kết quả.",
    "Bước 2: Công chức tư pháp kiểm tra giấy tờ và ghi vào sổ chứng thực.",
    "Thời hạn giải quyết: trong ngày làm việc.",
]


def draw_page(lines: list[str], *, width: int = 2480, size: int = 42) -> Image.Image:
    """White page, black text, one line every 1.8 em, margins of 2 cm."""
    font = ImageFont.truetype(DEJAVU, size)
    step = int(size * 1.8)
    image = Image.new("L", (width, 240 + step * len(lines) + 240), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((236, 240 + number * step), line, font=font, fill=0)
    return image
