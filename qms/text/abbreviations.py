"""Abbreviations civil servants type for the words of administrative procedures (gpxd, dk, bhyt).

Only what is unambiguous in a one-stop office; legal numbers (NĐ-CP, TT-BTP) are handled
as codes by the tokenizer, not here.
"""

from __future__ import annotations

from qms.text import vietnamese

#: Folded abbreviation → what it stands for.
EXPANSIONS: dict[str, str] = {
    "attp": "an toàn thực phẩm",
    "bhtn": "bảo hiểm thất nghiệp",
    "bhxh": "bảo hiểm xã hội",
    "bhyt": "bảo hiểm y tế",
    "bpmc": "bộ phận một cửa",
    "cccd": "căn cước công dân",
    "cmnd": "chứng minh nhân dân",
    "dk": "đăng ký",
    "dkkd": "đăng ký kinh doanh",
    "gcn": "giấy chứng nhận",
    "gks": "giấy khai sinh",
    "gplx": "giấy phép lái xe",
    "gpxd": "giấy phép xây dựng",
    "hdnd": "hội đồng nhân dân",
    "hkd": "hộ kinh doanh",
    "htx": "hợp tác xã",
    "mttq": "mặt trận tổ quốc",
    "pccc": "phòng cháy chữa cháy",
    "qsdd": "quyền sử dụng đất",
    "tthc": "thủ tục hành chính",
    "ubnd": "ủy ban nhân dân",
    "vbqppl": "văn bản quy phạm pháp luật",
}


def expansion(token: vietnamese.Token) -> tuple[vietnamese.Token, ...]:
    """The words an abbreviation typed without marks stands for; empty for any other word."""
    if token.text != token.folded:
        return ()
    words = EXPANSIONS.get(token.folded)
    return tuple(vietnamese.tokens(words)) if words else ()
