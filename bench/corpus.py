"""A deterministic corpus of Vietnamese QMS documents, and a loader that writes it into a database.

Each agency (organisation) keeps the QMS documents every agency keeps (policy, objectives, manual,
system procedures, internal processes) and one per-TTHC process per administrative procedure it
handles, laid out as DOMAIN.md describes (control block, amendment table, Mục đích, Phạm vi, Tài liệu
viện dẫn, Định nghĩa, Nội dung: Cơ sở pháp lý, Thành phần hồ sơ, Thời gian xử lý, Lệ phí, the steps
table, Biểu mẫu, Hồ sơ cần lưu), 1,500-3,000 words each. Every document has three revisions: two
superseded (issues 01 and 02, citing 61/2018/NĐ-CP and its amendment) and one effective (issue 03,
mostly citing 118/2025/NĐ-CP, some still the replaced decree: an inspector's finding).

The same seed gives the same corpus, byte for byte. UBND xã Lộc Bình (the demo agency) and UBND xã
Đồng Đăng always hold the documents of ``vocabulary.LOC_BINH_FIXED``/``DONG_DANG_FIXED``, whatever
the size, so the relevance set can name them.

    python -m bench.corpus --url sqlite:////tmp/c.sqlite3 --documents 500
"""

# ruff: noqa: E501  (sentence pools and table rows read better unwrapped)
from __future__ import annotations

import hashlib
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench import vocabulary as V

DEFAULT_SEED = 20251

# --- planning: which agencies hold which documents ------------------------------------------------


@dataclass(frozen=True)
class DocumentPlan:
    id: int
    agency: str
    agency_name: str
    agency_kind: str
    code: str
    title: str
    kind: str
    procedure: V.Procedure | None
    field: str | None


def _generated_catalogue() -> list[V.Procedure]:
    """Real procedures first, then every verb × object of the generated groups, with stable codes."""
    rng = random.Random("catalogue")
    catalogue = V.real_procedures()
    names = {p.name.lower() for p in catalogue}
    used_codes = {p.code.split(".")[0] + "." + p.code.split(".")[1] for p in catalogue}
    fixed = {title.lower(): (code, field_name) for _c, title, _k, code, field_name in V.LOC_BINH_FIXED if code}
    for field_name, level, verbs, objects in V.GENERATED_GROUPS:
        for obj in objects:
            for verb in verbs:
                name = f"{verb} {obj}"
                name = name[0].upper() + name[1:]
                if name.lower() in names:
                    continue
                names.add(name.lower())
                if name.lower() in fixed:
                    code = fixed[name.lower()][0]
                else:
                    digest = int(hashlib.sha1(name.encode()).hexdigest(), 16)
                    code = f"{1 + digest % 2}.{digest // 7 % 1_000_000:06d}"
                    while code in used_codes:
                        code = f"{code[0]}.{(int(code[2:]) + 1) % 1_000_000:06d}"
                used_codes.add(code)
                value, unit = rng.choice(V.TIMES)
                out_level = level
                catalogue.append(V.Procedure(code, name, field_name, out_level, value, unit, rng.choice(V.FEES)))
    # The fixed documents of Lộc Bình that are neither real nor generated above.
    for _c, title, _k, code, field_name in V.LOC_BINH_FIXED:
        if code and title.lower() not in names:
            names.add(title.lower())
            value, unit = rng.choice(V.TIMES)
            catalogue.append(V.Procedure(code, title, field_name or "Tư pháp", "xã", value, unit, rng.choice(V.FEES)))
    return catalogue


CATALOGUE = _generated_catalogue()
BY_NAME = {p.name.lower(): p for p in CATALOGUE}


def _code_style(rng: random.Random) -> Callable[[str, int, int, str], str]:
    """How an agency numbers its processes: QT-HT-04 (most), QT.HT.04, QT-12, QT 04/HT-LB."""
    style = rng.choices(["dash", "dot", "flat", "slash"], weights=[70, 10, 12, 8])[0]
    if style == "dash":
        return lambda abbr, n, flat, agency: f"QT-{abbr}-{n:02d}"
    if style == "dot":
        return lambda abbr, n, flat, agency: f"QT.{abbr}.{n:02d}"
    if style == "flat":
        return lambda abbr, n, flat, agency: f"QT-{flat:02d}"
    return lambda abbr, n, flat, agency: f"QT {n:02d}/{abbr}-{agency}"


def _agency_short(code: str) -> str:
    tail = code.split("-", 1)[1]
    return "".join(ch for ch in tail if ch.isupper())[:4] or tail[:3]


def plan(documents: int, seed: int = DEFAULT_SEED) -> Iterator[DocumentPlan]:
    """Every document of a corpus of exactly ``documents`` documents (at least the fixed ones)."""
    agencies: list[V.Agency] = [
        V.Agency("XA-LOCBINH", "UBND xã Lộc Bình", "commune", V.COMMUNE_FIELDS, V.LOC_BINH_FIXED),
        V.Agency("XA-DONGDANG", "UBND xã Đồng Đăng", "commune", V.COMMUNE_FIELDS, V.DONG_DANG_FIXED),
    ]
    departments = [V.Agency(code, name, "department", fields) for code, name, fields in V.DEPARTMENTS]
    communes = [V.Agency(code, name, "commune", V.COMMUNE_FIELDS) for code, name in V.COMMUNES[2:]]
    # Past the named agencies (about 12,800 documents), more communes: smaller corpora keep theirs.
    extra = [V.Agency(code, name, "commune", V.COMMUNE_FIELDS) for code, name in V.EXTRA_COMMUNES]
    # Departments and communes interleaved: a small corpus still has both kinds.
    rest: list[V.Agency] = []
    while departments or communes:
        if communes:
            rest.extend(communes[:5])
            communes = communes[5:]
        if departments:
            rest.append(departments.pop(0))
    agencies += rest + extra

    remaining = documents
    next_id = 1
    for agency in agencies:
        if remaining <= 0:
            break
        arng = random.Random(f"{seed}/agency/{agency.code}")
        level = "xã" if agency.kind == "commune" else "tỉnh"
        pool = [p for p in CATALOGUE if p.field in agency.fields and p.level == level]
        arng.shuffle(pool)
        fixed_titles = {title.lower() for _c, title, *_ in agency.fixed}
        pool = [p for p in pool if p.name.lower() not in fixed_titles]
        capacity = len(V.SYSTEM_DOCUMENTS) + len(agency.fixed) + len(pool)
        size = min(capacity, arng.randint(150, 260))
        # The fixed documents of the two demo communes are always there; others stop at the total.
        size = min(size, max(remaining, len(agency.fixed)))
        style = _code_style(arng)
        short = _agency_short(agency.code)
        chosen: list[DocumentPlan] = []
        # The fixed documents first, then the QMS system documents, then the agency's other processes.
        for code, title, kind, procedure_code, field_name in agency.fixed:
            procedure = BY_NAME.get(title.lower())
            if procedure is not None and procedure_code and procedure.code != procedure_code:
                procedure = V.Procedure(procedure_code, procedure.name, procedure.field, procedure.level,
                                        procedure.time_value, procedure.time_unit, procedure.fee)
            chosen.append(DocumentPlan(0, agency.code, agency.name, agency.kind, code, title, kind, procedure, field_name))
        for code, title, kind in V.SYSTEM_DOCUMENTS:
            chosen.append(DocumentPlan(0, agency.code, agency.name, agency.kind, code, title, kind, None, None))
        numbers: dict[str, int] = {}
        taken = {d.code for d in chosen}
        for d in chosen:
            parts = d.code.replace(".", "-").split("-")
            if len(parts) == 3 and parts[2].isdigit():
                numbers[parts[1]] = max(numbers.get(parts[1], 0), int(parts[2]))
        flat = max((int(d.code.split("-")[1]) for d in chosen if d.code.startswith("QT-") and d.code[3:].isdigit()), default=0)
        for procedure in pool:
            if len(chosen) >= size:
                break
            abbr = V.FIELDS[procedure.field].abbr
            numbers[abbr] = numbers.get(abbr, 0) + 1
            flat += 1
            code = style(abbr, numbers[abbr], flat, short)
            if code in taken:
                continue
            taken.add(code)
            proc = procedure
            if agency.kind == "department" and arng.random() < 0.3:
                proc = V.Procedure(procedure.code + ".000.00.00.H55", procedure.name, procedure.field, procedure.level,
                                   procedure.time_value, procedure.time_unit, procedure.fee)
            chosen.append(DocumentPlan(0, agency.code, agency.name, agency.kind, code, procedure.name, "process", proc,
                                       procedure.field))
        chosen = chosen[:size]
        for d in chosen:
            yield DocumentPlan(next_id, d.agency, d.agency_name, d.agency_kind, d.code, d.title, d.kind, d.procedure, d.field)
            next_id += 1
        remaining -= len(chosen)
    if remaining > 0:
        raise ValueError(f"the agencies cannot hold {documents} documents ({remaining} left over)")


def agencies_of(plans: list[DocumentPlan]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for p in plans:
        seen.setdefault(p.agency, p.agency_name)
    return list(seen.items())


# --- text ------------------------------------------------------------------------------------------

REVISIONS = 3
#: Issue dates of the three revisions (the third one varies: some agencies updated before 118/2025).
ERA_DATES = {1: (date(2019, 3, 1), date(2020, 12, 20)), 2: (date(2022, 2, 10), date(2023, 11, 30)),
             3: (date(2025, 7, 1), date(2025, 11, 15))}


def _person(rng: random.Random) -> str:
    middle = rng.choice(V.MIDDLE)
    return f"{rng.choice(V.SURNAMES)} {middle} {rng.choice(V.GIVEN)}"


def _two(n: float) -> str:
    """Vietnamese numbers as processes write them: 01, 04, 0,5, 1,5."""
    if n == int(n):
        return f"{int(n):02d}"
    return f"{n:.1f}".replace(".", ",")


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text and not text[:2].isupper() else text


def _split(total: float, parts: int, rng: random.Random, step: float) -> list[float]:
    """``total`` split into ``parts`` positive multiples of ``step``."""
    units = max(parts, int(round(total / step)))
    cuts = sorted(rng.sample(range(1, units), parts - 1)) if units > parts else list(range(1, parts))
    bounds = [0, *cuts, units]
    return [(bounds[i + 1] - bounds[i]) * step for i in range(parts)]


class _Writer:
    """Lines of one document and a running word count."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.words = 0

    def add(self, line: str) -> None:
        self.lines.append(line)
        self.words += len(line.split())

    def text(self) -> str:
        return "\n".join(self.lines)


# Sentences of the detailed guidance, one pool per step kind; {name} is the procedure in lower case.
RECEPTION = [
    "Công chức tại Bộ phận tiếp nhận và trả kết quả kiểm tra tính đầy đủ, hợp lệ của hồ sơ {name}.",
    "Trường hợp hồ sơ đầy đủ, hợp lệ thì tiếp nhận, cập nhật vào Hệ thống thông tin giải quyết thủ tục hành chính và lập Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01).",
    "Trường hợp hồ sơ chưa đầy đủ, chưa hợp lệ thì hướng dẫn người nộp hồ sơ bổ sung, hoàn thiện một lần bằng Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02).",
    "Trường hợp từ chối tiếp nhận hồ sơ thì lập Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03), nêu rõ lý do.",
    "Người yêu cầu có thể nộp hồ sơ trực tiếp, qua dịch vụ bưu chính công ích hoặc trực tuyến trên Cổng Dịch vụ công quốc gia.",
    "Đối với hồ sơ nộp trực tuyến, công chức kiểm tra thông tin điện tử, đối chiếu với Cơ sở dữ liệu quốc gia về dân cư trước khi tiếp nhận.",
    "Công chức tiếp nhận thu phí, lệ phí theo quy định và giao biên lai cho người nộp hồ sơ.",
    "Việc tiếp nhận hồ sơ được thực hiện trong giờ hành chính các ngày làm việc trong tuần; hồ sơ nhận sau 15 giờ được chuyển sang ngày làm việc tiếp theo.",
]
TRANSFER = [
    "Công chức Bộ phận Một cửa chuyển hồ sơ kèm Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 05) cho bộ phận chuyên môn ngay trong ngày tiếp nhận.",
    "Việc chuyển hồ sơ được thực hiện trên Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh; hồ sơ giấy được chuyển kèm theo.",
    "Người nhận hồ sơ ký xác nhận vào Phiếu kiểm soát, ghi rõ thời điểm nhận.",
]
APPRAISAL = [
    "{officer} tiếp nhận hồ sơ, {check} và đề xuất hướng giải quyết.",
    "Trường hợp hồ sơ cần xác minh, {officer} gửi văn bản đề nghị cơ quan có liên quan xác minh; thời gian xác minh không tính vào thời gian giải quyết.",
    "Trường hợp hồ sơ không đủ điều kiện giải quyết, {officer} dự thảo văn bản trả lời nêu rõ lý do, trình lãnh đạo ký và chuyển Bộ phận Một cửa để trả cho người yêu cầu.",
    "Trường hợp giải quyết quá hạn, bộ phận chuyên môn lập Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04) gửi người nộp hồ sơ.",
    "Kết quả thẩm định được ghi vào Phiếu kiểm soát quá trình giải quyết hồ sơ; người thẩm định chịu trách nhiệm về nội dung đã thẩm định.",
    "Đối với hồ sơ {name}, {officer} phải đối chiếu thông tin với dữ liệu đã có trong sổ sách và cơ sở dữ liệu chuyên ngành.",
]
DECISION = [
    "Lãnh đạo xem xét hồ sơ, nếu đồng ý thì ký kết quả giải quyết; nếu không đồng ý thì ghi ý kiến và chuyển lại bộ phận chuyên môn.",
    "Chủ tịch hoặc Phó Chủ tịch phụ trách lĩnh vực {field} ký duyệt kết quả giải quyết thủ tục {name}.",
    "Trường hợp ký số, kết quả điện tử có giá trị pháp lý như bản giấy và được lưu trong kho quản lý dữ liệu điện tử của tổ chức, cá nhân.",
]
ISSUE = [
    "Văn thư vào sổ, đóng dấu, phát hành kết quả và chuyển cho Bộ phận Một cửa.",
    "Văn thư cập nhật số, ký hiệu văn bản vào Sổ đăng ký văn bản đi và lưu một bản tại cơ quan.",
]
RETURN = [
    "Công chức Bộ phận Một cửa trả kết quả cho người yêu cầu, thu lại Giấy tiếp nhận hồ sơ và hẹn trả kết quả, ghi vào Sổ theo dõi hồ sơ (Mẫu 06).",
    "Trường hợp người yêu cầu đăng ký nhận kết quả qua dịch vụ bưu chính công ích, kết quả được chuyển phát đến địa chỉ đã đăng ký.",
    "Người nhận kết quả ký nhận vào Sổ theo dõi hồ sơ; trường hợp nhận thay phải có văn bản uỷ quyền theo quy định.",
    "Kết quả giải quyết {name} được trả trực tuyến trên Cổng Dịch vụ công quốc gia khi người yêu cầu nộp hồ sơ trực tuyến.",
]
GUIDANCE = [
    "Cán bộ, công chức khi giải quyết hồ sơ {name} phải tuân thủ đúng trình tự, thời gian quy định tại quy trình này.",
    "Không yêu cầu người dân nộp thêm giấy tờ ngoài thành phần hồ sơ đã được công bố.",
    "Mọi trường hợp chậm trễ phải được thông báo cho người nộp hồ sơ bằng văn bản, nêu rõ lý do và thời hạn trả kết quả mới.",
    "Thông tin cá nhân của người yêu cầu được bảo mật theo quy định của pháp luật về bảo vệ dữ liệu cá nhân.",
    "Bộ phận Một cửa công khai đầy đủ thủ tục, thành phần hồ sơ, thời gian giải quyết và lệ phí tại nơi tiếp nhận và trên Cổng thông tin điện tử.",
    "Định kỳ hằng tháng, bộ phận chuyên môn tổng hợp tình hình giải quyết hồ sơ, báo cáo lãnh đạo và đề xuất cải tiến.",
    "Việc đánh giá mức độ hài lòng của người dân được thực hiện qua phiếu khảo sát hoặc thiết bị điện tử tại Bộ phận Một cửa.",
    "Trường hợp văn bản quy phạm pháp luật làm căn cứ của quy trình được sửa đổi, bổ sung hoặc thay thế, thư ký ISO đề xuất cập nhật quy trình trong thời hạn 30 ngày.",
    "Hồ sơ đã giải quyết xong được lưu trữ theo quy định về văn thư, lưu trữ; hồ sơ điện tử được lưu trên hệ thống.",
    "Người đứng đầu cơ quan chịu trách nhiệm kiểm tra, giám sát việc thực hiện quy trình {name}.",
    "Công chức được phân công giải quyết hồ sơ phải ghi đầy đủ thông tin vào Phiếu kiểm soát quá trình giải quyết hồ sơ.",
    "Trường hợp hồ sơ được giải quyết trước thời hạn, công chức thông báo để người yêu cầu nhận kết quả sớm.",
    "Không được hẹn lại quá một lần đối với một hồ sơ; trường hợp hẹn lại phải có Phiếu xin lỗi và hẹn lại ngày trả kết quả.",
    "Người yêu cầu có quyền phản ánh, kiến nghị về việc giải quyết hồ sơ qua đường dây nóng, hộp thư góp ý hoặc Cổng Dịch vụ công quốc gia.",
    "Công chức Bộ phận Một cửa hướng dẫn người dân kê khai tờ khai, kiểm tra thông tin trên giấy tờ tuỳ thân trước khi nhận hồ sơ.",
    "Việc thu phí, lệ phí phải có biên lai theo mẫu do Bộ Tài chính quy định; khuyến khích thanh toán trực tuyến.",
    "Trường hợp người yêu cầu là người khuyết tật, người cao tuổi, công chức hỗ trợ kê khai và ưu tiên giải quyết.",
    "Các biểu mẫu sử dụng trong quy trình này được ban hành kèm theo Thông tư của Văn phòng Chính phủ và văn bản chuyên ngành.",
    "Kết quả giải quyết thủ tục hành chính được số hoá và cập nhật vào kho dữ liệu dùng chung để tái sử dụng.",
    "Trường hợp phát hiện sai sót trong kết quả đã cấp do lỗi của cơ quan giải quyết, cơ quan có trách nhiệm đính chính và không thu phí.",
    "Hằng năm, cơ quan tổ chức đánh giá nội bộ việc áp dụng quy trình theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015.",
    "Sự không phù hợp phát hiện trong quá trình giải quyết hồ sơ được ghi nhận và xử lý theo quy trình kiểm soát sự không phù hợp.",
    "Thời gian giải quyết được tính từ thời điểm Bộ phận Một cửa tiếp nhận đủ hồ sơ hợp lệ.",
    "Cán bộ, công chức có hành vi nhũng nhiễu, gây phiền hà cho người dân sẽ bị xử lý kỷ luật theo quy định.",
    "Trường hợp người yêu cầu đề nghị cấp bản sao kết quả, công chức hướng dẫn thực hiện theo thủ tục tương ứng.",
    "Thông tin về tình trạng giải quyết hồ sơ được tra cứu bằng mã số hồ sơ trên Cổng Dịch vụ công của tỉnh.",
    "Khi hệ thống gặp sự cố, công chức tiếp nhận hồ sơ giấy và cập nhật lên hệ thống ngay sau khi khắc phục.",
    "Bộ phận chuyên môn phối hợp với Bộ phận Một cửa rà soát các hồ sơ sắp đến hạn để bảo đảm trả kết quả đúng hẹn.",
    "Lãnh đạo cơ quan phân công công chức thay thế khi người được giao nhiệm vụ vắng mặt, không để hồ sơ tồn đọng.",
    "Quy trình {name} được rà soát định kỳ ít nhất một lần mỗi năm hoặc khi có thay đổi về thủ tục hành chính.",
    "Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết được công bố theo Quyết định của Chủ tịch UBND tỉnh.",
    "Trường hợp hồ sơ liên thông, việc chuyển hồ sơ giữa các cơ quan được thực hiện qua Hệ thống thông tin giải quyết thủ tục hành chính.",
    "Mỗi hồ sơ được cấp một mã số theo quy định để theo dõi, tra cứu tình trạng giải quyết.",
    "Bản sao điện tử từ sổ gốc, bản sao có chứng thực được sử dụng thay cho bản sao giấy khi nộp hồ sơ trực tuyến.",
    "Không yêu cầu xuất trình giấy tờ mà thông tin đã có trong Cơ sở dữ liệu quốc gia về dân cư.",
    "Đối với người dân tộc thiểu số không thông thạo tiếng Việt, công chức bố trí người phiên dịch hoặc hướng dẫn bằng tiếng dân tộc.",
    "Kết quả giải quyết bị mất, hư hỏng được cấp lại theo thủ tục tương ứng trong danh mục.",
    "Các trường hợp đặc biệt chưa được quy định trong quy trình này, bộ phận chuyên môn báo cáo lãnh đạo xem xét, quyết định.",
    "Đội ngũ công chức Bộ phận Một cửa được tập huấn nghiệp vụ định kỳ về kỹ năng giao tiếp, ứng xử với người dân.",
    "Khi thay đổi người đứng đầu, chức danh ký kết quả được cập nhật trong quy trình và biểu mẫu liên quan.",
    "Đối với hồ sơ {field}, công chức tham khảo hướng dẫn nghiệp vụ của cơ quan chuyên môn cấp tỉnh khi có vướng mắc.",
    "Thư ký ISO theo dõi việc áp dụng quy trình, tổng hợp các đề xuất sửa đổi, bổ sung để trình lãnh đạo phê duyệt.",
    "Trường hợp văn bản được ban hành theo dạng điện tử có chữ ký số thì không phải gửi kèm bản giấy.",
    "Người dân được lựa chọn hình thức nộp hồ sơ và nhận kết quả phù hợp với nhu cầu.",
    "Mẫu đơn, tờ khai được cung cấp miễn phí tại Bộ phận Một cửa và được đăng tải trên Cổng thông tin điện tử.",
    "Cơ quan bố trí đủ trang thiết bị, máy tính, máy quét, kết nối mạng phục vụ tiếp nhận và số hoá hồ sơ.",
    "Tỷ lệ hồ sơ giải quyết đúng hạn là một trong các chỉ tiêu của mục tiêu chất lượng hằng năm.",
    "Việc phân công xử lý hồ sơ phải bảo đảm khách quan, không để một người thực hiện toàn bộ các bước.",
    "Bản chính giấy tờ xuất trình để đối chiếu được trả lại ngay cho người nộp hồ sơ sau khi kiểm tra.",
    "Trường hợp người nộp hồ sơ không biết chữ, công chức đọc lại nội dung tờ khai và ghi rõ việc đã đọc.",
    "Mọi phản ánh, kiến nghị liên quan đến {name} được tiếp nhận và trả lời trong thời hạn quy định.",
]
SYSTEM_GUIDANCE = [
    "Thư ký ISO chịu trách nhiệm cập nhật danh mục tài liệu nội bộ và danh mục tài liệu bên ngoài.",
    "Tài liệu được soát xét, phê duyệt trước khi ban hành; bản hết hiệu lực được đóng dấu và lưu riêng.",
    "Mọi thay đổi tài liệu được ghi vào bảng theo dõi sửa đổi, nêu rõ nội dung, vị trí và lần ban hành.",
    "Các đơn vị chỉ sử dụng tài liệu đang có hiệu lực được phân phối qua hệ thống quản lý tài liệu.",
    "Hồ sơ chất lượng được lập, nhận biết, lưu trữ và bảo vệ để chứng minh sự phù hợp với các yêu cầu.",
    "Chương trình đánh giá nội bộ được lập hằng năm, bảo đảm đánh giá đủ các quá trình trong hệ thống.",
    "Chuyên gia đánh giá không đánh giá công việc của chính mình.",
    "Kết quả đánh giá nội bộ được báo cáo tại cuộc họp xem xét của lãnh đạo.",
    "Sự không phù hợp được xác định nguyên nhân, đề xuất hành động khắc phục và theo dõi hiệu lực.",
    "Rủi ro và cơ hội được nhận diện theo từng quá trình, đánh giá mức độ và có biện pháp xử lý.",
    "Lãnh đạo xem xét hệ thống quản lý chất lượng ít nhất một lần mỗi năm.",
    "Đầu vào của xem xét lãnh đạo gồm kết quả đánh giá nội bộ, mức độ hài lòng của người dân, tình hình giải quyết hồ sơ.",
    "Đầu ra của xem xét lãnh đạo là các quyết định về cơ hội cải tiến và nhu cầu thay đổi hệ thống.",
    "Văn bản đến được đăng ký, trình lãnh đạo cho ý kiến phân phối và chuyển đơn vị xử lý trong ngày.",
    "Văn bản đi được kiểm tra thể thức, kỹ thuật trình bày trước khi trình ký và phát hành.",
    "Việc tiếp công dân được thực hiện tại trụ sở tiếp công dân theo lịch đã được công bố.",
    "Mục tiêu chất lượng được xây dựng hằng năm, đo lường được và nhất quán với chính sách chất lượng.",
    "Chính sách chất lượng được phổ biến đến toàn thể cán bộ, công chức và niêm yết tại trụ sở.",
    "Sổ tay chất lượng mô tả phạm vi áp dụng, cơ cấu tổ chức và sự tương tác giữa các quá trình.",
    "Tài liệu có nguồn gốc bên ngoài được nhận biết và kiểm soát việc phân phối.",
]


def _steps(rng: random.Random, procedure: V.Procedure, officer: str, leader: str, checks: tuple[str, ...],
           result: str) -> list[tuple[str, str, str]]:
    """(content, responsible, form/result) of each step."""
    check = rng.choice(checks)
    steps = [
        (rng.choice(["Tiếp nhận hồ sơ", "Tiếp nhận, kiểm tra hồ sơ", "Tiếp nhận, kiểm tra, thu phí"]),
         rng.choice(["Công chức BPTN&TKQ", "Bộ phận Một cửa", "Công chức Bộ phận Một cửa"]), "Mẫu 01, Mẫu 02, Mẫu 05"),
        ("Chuyển hồ sơ cho bộ phận chuyên môn", "Công chức BPTN&TKQ", "Mẫu 05"),
        (f"Thẩm định hồ sơ: {check}", officer, "Hồ sơ được thẩm định"),
        ("Dự thảo kết quả, trình ký", officer, f"Dự thảo {result.lower()}"),
        ("Xem xét, ký duyệt kết quả", leader, result),
        ("Vào sổ, đóng dấu, phát hành", "Văn thư", "Kết quả được phát hành"),
        ("Trả kết quả cho tổ chức, cá nhân", "Công chức BPTN&TKQ", "Mẫu 06"),
    ]
    if rng.random() < 0.35:
        steps.insert(3, (f"Xác minh hồ sơ: {rng.choice(checks)}", officer, "Biên bản xác minh"))
    if rng.random() < 0.3:
        del steps[1]  # a small agency: the officer receives the file directly
    if rng.random() < 0.2:
        del steps[-2]
    return steps


def _times(rng: random.Random, procedure: V.Procedure, count: int) -> tuple[list[str], str]:
    """Each step's time and the statutory time as written."""
    if procedure.time_unit in ("trong ngày", "giờ"):
        hours = _split(8, count, rng, 0.5)
        return [f"{_two(h)} giờ" for h in hours], "Trong ngày làm việc (08 giờ làm việc); hồ sơ nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo."
    total = procedure.time_value
    if rng.random() < 0.08:  # an inspector's finding: the steps add up to more than the statutory time
        total += rng.choice([1, 2])
    parts = _split(total, count, rng, 0.5)
    unit = "ngày làm việc" if procedure.time_unit == "ngày làm việc" else "ngày"
    statutory = f"{_two(procedure.time_value)} {unit} kể từ ngày nhận đủ hồ sơ hợp lệ."
    return [f"{_two(p)} {unit}" for p in parts], statutory


def document_text(doc: DocumentPlan, number: int, seed: int = DEFAULT_SEED, extra: str = "") -> tuple[str, date]:
    """The text of revision ``number`` (1-3) of a document, and its issue date."""
    drng = random.Random(f"{seed}/doc/{doc.agency}/{doc.code}")  # what stays across revisions
    rrng = random.Random(f"{seed}/rev/{doc.agency}/{doc.code}/{number}")  # what a revision changes
    low, high = ERA_DATES[min(number, 3)]
    if number == 3 and rrng.random() < 0.25:
        low, high = date(2024, 3, 1), date(2025, 5, 30)  # updated before the 2025 decree
    issued = low + timedelta(days=rrng.randrange((high - low).days + 1))
    if doc.procedure is None:
        return _system_text(doc, number, issued, drng, rrng, extra), issued
    return _process_text(doc, number, issued, drng, rrng, extra), issued


def _header(w: _Writer, doc: DocumentPlan, number: int, issued: date, drng: random.Random, rrng: random.Random,
            title_line: str, citations: list[str] | None = None) -> tuple[str, str]:
    commune = doc.agency_kind == "commune"
    agency_upper = doc.agency_name.upper().replace("UBND", "UỶ BAN NHÂN DÂN")
    pages = drng.randint(4, 9)
    w.add(f"{agency_upper} | {title_line.upper()} | Mã hiệu: {doc.code} Lần ban hành: {number:02d} "
          f"Ngày ban hành: {issued:%d/%m/%Y} Trang: 1/{pages}")
    drafter, checker, approver = _person(drng), _person(drng), _person(drng)
    if rrng.random() < 0.3:
        drafter = _person(rrng)  # the secretary changed
    if commune:
        titles = (V.FIELDS[doc.field].officer if doc.field else "Công chức Văn phòng - Thống kê",
                  "Phó Chủ tịch UBND xã", "Chủ tịch UBND xã")
    else:
        titles = ("Chuyên viên " + (V.FIELDS[doc.field].department if doc.field else "Văn phòng Sở"),
                  "Phó Giám đốc Sở", "Giám đốc Sở")
    w.add(" | Người soạn thảo | Người kiểm tra | Người phê duyệt")
    w.add(f"Họ và tên | {drafter} | {checker} | {approver}")
    w.add(f"Chức vụ | {titles[0]} | {titles[1]} | {titles[2]}")
    w.add("Chữ ký | (đã ký) | (đã ký) | (đã ký)")
    w.add("")
    w.add("SỬA ĐỔI TÀI LIỆU")
    w.add("Yêu cầu sửa đổi/bổ sung | Trang/Phần liên quan việc sửa đổi | Mô tả nội dung sửa đổi | Lần ban hành/Lần sửa đổi | Ngày ban hành")
    w.add(f"Ban hành lần đầu | Toàn bộ | Ban hành mới | 01 | {ERA_DATES[1][0] + timedelta(days=drng.randrange(400)):%d/%m/%Y}")
    if number >= 2:
        w.add("Cập nhật căn cứ pháp lý | Mục 5.1 | Bổ sung Nghị định số 107/2021/NĐ-CP sửa đổi Nghị định số 61/2018/NĐ-CP | 02 | "
              f"{ERA_DATES[2][0] + timedelta(days=drng.randrange(300)):%d/%m/%Y}")
    if number >= 3:
        if citations is not None and any("118/2025" in c for c in citations):
            w.add("Cập nhật căn cứ pháp lý, biểu mẫu | Mục 5.1, 6 | Thay Nghị định 61/2018/NĐ-CP bằng Nghị định 118/2025/NĐ-CP; "
                  f"biểu mẫu theo Thông tư 03/2025/TT-VPCP | 03 | {issued:%d/%m/%Y}")
        else:
            w.add(f"Rà soát định kỳ | Mục 5.5, 5.8 | Điều chỉnh thời gian các bước, cập nhật chức danh | 03 | {issued:%d/%m/%Y}")
    return drafter, titles[0]


def _legal(doc: DocumentPlan, number: int, issued: date, rrng: random.Random) -> list[str]:
    field = V.FIELDS[doc.field] if doc.field else None
    new = issued >= date(2024, 8, 1)
    laws = [law.text for law in (field.laws_new if (field and new) else field.laws_old if field else ())]
    if number == 1:
        one_stop = V.ONE_STOP["2018"]
    elif number == 2 or issued < date(2025, 7, 1):
        one_stop = V.ONE_STOP["2021"]
    else:
        one_stop = V.ONE_STOP["2025"] + ([V.AMENDS_118] if issued >= date(2025, 10, 1) and rrng.random() < 0.5 else [])
        if rrng.random() < 0.15:  # not taken in: still cites the replaced decree
            one_stop = V.ONE_STOP["2021"]
    citations = laws + [law.text for law in one_stop]
    if rrng.random() < 0.06:  # typed with ASCII letters, as some agencies do
        citations = [c.replace("NĐ-CP", "ND-CP").replace("QĐ-", "QD-") for c in citations]
    published = issued - timedelta(days=rrng.randint(20, 200))
    decision = f"Quyết định số {rrng.randint(900, 3999)}/QĐ-UBND ngày {published.day:02d}/{published.month:02d}/{published.year} của Chủ tịch UBND tỉnh Lạng Sơn về việc công bố danh mục thủ tục hành chính"
    return citations + [decision]


def _process_text(doc: DocumentPlan, number: int, issued: date, drng: random.Random, rrng: random.Random,
                  extra: str) -> str:
    procedure = doc.procedure
    assert procedure is not None and doc.field is not None
    field = V.FIELDS[doc.field]
    commune = doc.agency_kind == "commune"
    name = _lower_first(doc.title)
    target = drng.randint(1500, 2900)
    w = _Writer()
    citations = _legal(doc, number, issued, rrng)
    _drafter, _ = _header(w, doc, number, issued, drng, rrng, f"Quy trình {name}", citations)
    officer = field.officer if commune else f"Chuyên viên {field.department}"
    leader = "Chủ tịch/Phó Chủ tịch UBND xã" if commune else "Lãnh đạo Sở"
    place = doc.agency_name.replace("UBND", "Uỷ ban nhân dân")

    w.add("1. MỤC ĐÍCH")
    w.add(f"Quy định trình tự, thủ tục, trách nhiệm và thời gian giải quyết thủ tục {name} (mã thủ tục {procedure.code}) "
          f"tại {place}, bảo đảm đúng quy định của pháp luật, công khai, minh bạch.")
    w.add(drng.choice([
        "Nâng cao chất lượng phục vụ tổ chức, cá nhân; giảm thời gian đi lại và chi phí tuân thủ thủ tục hành chính.",
        "Bảo đảm hồ sơ được giải quyết đúng hạn, đúng thẩm quyền và tạo thuận lợi cho người dân.",
        "Thống nhất cách thực hiện giữa Bộ phận Một cửa và bộ phận chuyên môn, làm căn cứ để theo dõi, đánh giá.",
    ]))
    w.add("2. PHẠM VI")
    w.add(f"Áp dụng đối với thủ tục {name} thuộc lĩnh vực {field.name} tại {place}. "
          "Cán bộ, công chức có liên quan chịu trách nhiệm thực hiện quy trình này.")
    w.add("3. TÀI LIỆU VIỆN DẪN")
    for line in V.QMS_BASES[: drng.randint(1, 4)] + citations:
        w.add(f"{line};")
    w.add("4. ĐỊNH NGHĨA/VIẾT TẮT")
    w.add("TTHC: Thủ tục hành chính; BPTN&TKQ: Bộ phận tiếp nhận và trả kết quả; UBND: Uỷ ban nhân dân; "
          "HTQLCL: Hệ thống quản lý chất lượng; CSDL: Cơ sở dữ liệu.")
    w.add("5. NỘI DUNG QUY TRÌNH")
    w.add("5.1. Cơ sở pháp lý")
    for line in citations:
        w.add(f"- {line};")
    w.add("5.2. Yêu cầu, điều kiện thực hiện")
    w.add(drng.choice([
        f"Người yêu cầu {name} phải có đủ năng lực hành vi dân sự và nộp đủ giấy tờ theo quy định.",
        f"Thủ tục {name} được giải quyết khi hồ sơ đầy đủ, hợp lệ và thuộc thẩm quyền của cơ quan.",
        "Không có yêu cầu, điều kiện ngoài quy định tại văn bản quy phạm pháp luật đã nêu.",
    ]))
    w.add("Cách thức thực hiện: nộp trực tiếp tại Bộ phận Một cửa; qua dịch vụ bưu chính công ích; trực tuyến trên Cổng Dịch vụ công quốc gia.")
    w.add("5.3. Thành phần hồ sơ")
    w.add("TT | Thành phần hồ sơ | Bản chính | Bản sao")
    application = drng.choice(["Tờ khai", "Đơn đề nghị", "Văn bản đề nghị"])
    items = [f"{application} {name} (theo mẫu)"] + drng.sample(field.dossier, k=min(len(field.dossier), drng.randint(2, 4)))
    for i, item in enumerate(items, 1):
        original = drng.random() < 0.5 or i == 1
        w.add(f"{i} | {item} | {'x' if original else ''} | {'' if original else 'x'}")
    w.add("5.4. Số lượng hồ sơ")
    w.add("01 (một) bộ.")
    steps = _steps(drng, procedure, officer, leader, field.checks, field.result)
    step_times, statutory = _times(rrng, procedure, len(steps))
    w.add("5.5. Thời gian xử lý")
    w.add(statutory)
    w.add("5.6. Nơi tiếp nhận và trả kết quả")
    w.add(f"Bộ phận tiếp nhận và trả kết quả - {doc.agency_name}.")
    w.add("5.7. Lệ phí")
    w.add(f"{procedure.fee}.")
    w.add("5.8. Quy trình xử lý công việc")
    w.add("TT | Trình tự | Trách nhiệm | Thời gian | Biểu mẫu/Kết quả")
    for i, ((content, responsible, form), spent) in enumerate(zip(steps, step_times, strict=True), 1):
        w.add(f"Bước {i} | {content} | {responsible} | {spent} | {form}")
    w.add("5.9. Diễn giải các bước")
    values = {"name": name, "officer": officer, "field": field.name.lower(), "check": drng.choice(field.checks)}
    pools = {"Tiếp nhận": RECEPTION, "Chuyển": TRANSFER, "Thẩm định": APPRAISAL, "Xác minh": APPRAISAL,
             "Dự thảo": APPRAISAL, "Xem xét": DECISION, "Vào sổ": ISSUE, "Trả kết quả": RETURN}
    for i, (content, responsible, _form) in enumerate(steps, 1):
        pool = next((p for key, p in pools.items() if content.startswith(key)), GUIDANCE)
        chosen = drng.sample(pool, k=min(len(pool), drng.randint(2, 4)))
        w.add(f"Bước {i}. {content} ({responsible}): " + " ".join(s.format(**values) for s in chosen))
    w.add("6. BIỂU MẪU")
    w.add("TT | Mã hiệu | Tên biểu mẫu")
    forms = ["Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
             "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
             "Phiếu kiểm soát quá trình giải quyết hồ sơ", "Sổ theo dõi hồ sơ"]
    for i, form in enumerate(forms, 1):
        w.add(f"{i} | Mẫu {i:02d} | {form}")
    w.add(f"7 | Mẫu {application.lower()} | {application} {name}")
    w.add("7. HỒ SƠ CẦN LƯU")
    w.add("TT | Hồ sơ lưu | Nơi lưu | Thời gian lưu")
    w.add(f"1 | Thành phần hồ sơ theo mục 5.3, Phiếu kiểm soát quá trình giải quyết hồ sơ | {officer} | "
          f"{drng.choice(['05 năm', '10 năm', 'Vĩnh viễn', '20 năm'])}")
    w.add(f"2 | Kết quả giải quyết ({field.result}) | {drng.choice(['Văn thư', officer])} | Vĩnh viễn")
    w.add("Hồ sơ được lưu tại bộ phận chuyên môn trong thời hạn 01 năm, sau đó chuyển lưu trữ cơ quan theo quy định.")
    if extra:
        w.add(extra)
    w.add("8. HƯỚNG DẪN THỰC HIỆN VÀ LƯU Ý")
    guidance = drng.sample(GUIDANCE, k=len(GUIDANCE))
    paragraph: list[str] = []
    for sentence in guidance:
        if w.words + sum(len(s.split()) for s in paragraph) >= target:
            break
        paragraph.append(sentence.format(**values))
        if len(paragraph) == 4:
            w.add(" ".join(paragraph))
            paragraph = []
    if paragraph:
        w.add(" ".join(paragraph))
    # Long procedures repeat their key steps in a checklist, as many agencies print one.
    n = 1
    while w.words < target:
        content, responsible, form = steps[(n - 1) % len(steps)]
        w.add(f"Kiểm tra {n}: {content} - {responsible} - {form}; đối chiếu {drng.choice(field.checks)} "
              f"và ghi kết quả vào Phiếu kiểm soát quá trình giải quyết hồ sơ {name}.")
        n += 1
    return w.text()


def _system_text(doc: DocumentPlan, number: int, issued: date, drng: random.Random, rrng: random.Random,
                 extra: str) -> str:
    w = _Writer()
    _header(w, doc, number, issued, drng, rrng, doc.title)
    target = drng.randint(1500, 2900)
    place = doc.agency_name.replace("UBND", "Uỷ ban nhân dân")
    title = _lower_first(doc.title)
    w.add("1. MỤC ĐÍCH")
    w.add(f"Quy định cách thức thực hiện {title} của {place} theo TCVN ISO 9001:2015.")
    w.add("2. PHẠM VI")
    w.add(f"Áp dụng cho toàn bộ cán bộ, công chức trong phạm vi Hệ thống quản lý chất lượng của {place}.")
    w.add("3. TÀI LIỆU VIỆN DẪN")
    for line in V.QMS_BASES:
        w.add(f"{line};")
    w.add("4. ĐỊNH NGHĨA/VIẾT TẮT")
    w.add("HTQLCL: Hệ thống quản lý chất lượng; ĐGNB: Đánh giá nội bộ; KPH: Không phù hợp; XXLĐ: Xem xét của lãnh đạo.")
    w.add("5. NỘI DUNG")
    steps = ["Lập kế hoạch", "Thực hiện", "Kiểm tra, theo dõi", "Báo cáo lãnh đạo", "Lưu hồ sơ"]
    w.add("TT | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu/Kết quả")
    for i, step in enumerate(steps, 1):
        w.add(f"Bước {i} | {step} | {drng.choice(['Thư ký ISO', 'Đại diện lãnh đạo', 'Các bộ phận'])} | "
              f"{drng.choice(['Hằng năm', 'Khi có yêu cầu', '05 ngày làm việc', 'Hằng quý'])} | BM-{i:02d}")
    if extra:
        w.add(extra)
    pool = drng.sample(SYSTEM_GUIDANCE + GUIDANCE, k=len(SYSTEM_GUIDANCE) + len(GUIDANCE))
    values = {"name": title, "field": "quản lý chất lượng", "officer": "Thư ký ISO", "check": "kiểm tra"}
    i = 0
    while w.words < target:
        w.add(" ".join(s.format(**values) for s in pool[i % len(pool): i % len(pool) + 3]))
        i += 3
    w.add("6. BIỂU MẪU")
    for i, step in enumerate(steps, 1):
        w.add(f"BM-{i:02d} | Biểu mẫu {step.lower()}")
    w.add("7. HỒ SƠ CẦN LƯU")
    w.add("TT | Hồ sơ lưu | Nơi lưu | Thời gian lưu")
    w.add("1 | Các biểu mẫu đã thực hiện | Thư ký ISO | 03 năm")
    return w.text()


# --- loading ---------------------------------------------------------------------------------------


def fake_sha256(*parts: object) -> str:
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()


@dataclass
class LoadReport:
    organizations: int
    documents: int
    revisions: int
    words: int
    seconds: float


def load(url: str, documents: int, seed: int = DEFAULT_SEED, batch: int = 100,
         progress: Callable[[int, int], None] | None = None) -> LoadReport:
    """Create the schema at ``url`` and write the corpus in batches of ``batch`` documents.

    Rows go in with Core inserts (no argon2, no file store, no .docx): organisations, one staff user,
    secretary, reviewer and approver per agency, an inspector, documents, their StoredFile rows and
    three revisions each. No IndexOperation rows: the benchmark rebuilds the index.
    """
    from sqlalchemy import insert

    from qms.database import make_engine
    from qms.models import Document, Organization, Revision, StoredFile, User, UserRole
    from qms.ops import schema
    from qms.text.vietnamese import normalize

    started = time.perf_counter()
    plans = list(plan(documents, seed))
    engine = make_engine(url)
    schema.upgrade(engine)
    now = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)
    rng = random.Random(f"{seed}/people")
    agencies = agencies_of(plans)
    org_ids: dict[str, int] = {}
    users: dict[tuple[str, str], tuple[int, str, str]] = {}
    with engine.begin() as connection:
        org_rows = [{"id": 1, "code": V.PROVINCE[0], "name": V.PROVINCE[1], "parent_id": None, "created_at": now},
                    {"id": 2, "code": V.INSPECTORATE[0], "name": V.INSPECTORATE[1], "parent_id": 1, "created_at": now}]
        for i, (code, name) in enumerate(agencies, 3):
            org_rows.append({"id": i, "code": code, "name": name, "parent_id": 1, "created_at": now})
        connection.execute(insert(Organization.__table__), org_rows)
        org_ids = {row["code"]: row["id"] for row in org_rows}
        user_rows, role_rows = [], []
        uid = 0

        def add_user(username: str, org: str, role: str, title: str) -> None:
            nonlocal uid
            uid += 1
            full_name = _person(rng)
            user_rows.append({"id": uid, "username": username, "full_name": full_name, "title": title,
                              "organization_id": org_ids[org], "password_hash": "!bench", "is_active": True,
                              "created_at": now})
            role_rows.append({"user_id": uid, "role": role})
            users[(org, role)] = (uid, full_name, title)

        add_user("thanhtra", V.INSPECTORATE[0], "inspector", "Chuyên viên phòng Tiêu chuẩn Đo lường Chất lượng")
        for code, _name in agencies:
            slug = code.lower()
            add_user(f"canbo.{slug}", code, "staff", "Công chức Văn phòng - Thống kê")
            add_user(f"thuky.{slug}", code, "secretary", "Công chức Văn phòng - Thống kê")
            add_user(f"kiemtra.{slug}", code, "reviewer", "Phó Chủ tịch UBND")
            add_user(f"pheduyet.{slug}", code, "approver", "Chủ tịch UBND")
        connection.execute(insert(User.__table__), user_rows)
        connection.execute(insert(UserRole.__table__), role_rows)

    total_words = 0
    revision_id = 0
    for start in range(0, len(plans), batch):
        chunk = plans[start:start + batch]
        doc_rows, file_rows, revision_rows = [], [], []
        for doc in chunk:
            secretary = users[(doc.agency, "secretary")]
            reviewer = users[(doc.agency, "reviewer")]
            approver = users[(doc.agency, "approver")]
            doc_rows.append({
                "id": doc.id, "organization_id": org_ids[doc.agency], "code": doc.code, "title": doc.title,
                "kind": doc.kind, "procedure_code": doc.procedure.code if doc.procedure else None, "status": "active",
                "review_interval_months": 12, "created_at": now - timedelta(days=2400), "created_by_id": secretary[0],
            })
            texts = [document_text(doc, number, seed) for number in range(1, REVISIONS + 1)]
            first_id = revision_id + 1
            for number, (text, issued) in enumerate(texts, 1):
                revision_id += 1
                text = normalize(text)
                total_words += len(text.split())
                sha = fake_sha256(seed, doc.agency, doc.code, number)
                size = len(text.encode()) // 3 + 18_000
                file_rows.append({"sha256": sha, "size": size, "created_at": now})
                effective_at = datetime(issued.year, issued.month, issued.day, 1, 0, tzinfo=UTC)
                current = number == REVISIONS
                next_issue = texts[number][1] if not current else None
                revision_rows.append({
                    "id": revision_id, "document_id": doc.id, "number": number, "issue_number": number,
                    "status": "effective" if current else "superseded", "file_sha256": sha,
                    "filename": f"{doc.code.replace('/', '-').replace(' ', '_')}_lan-{number:02d}.docx",
                    "content_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "size": size, "change_summary": "Ban hành lần đầu" if number == 1 else "Cập nhật căn cứ pháp lý (Mục 5.1)",
                    "text": text, "has_text": True,
                    "drafted_by_id": secretary[0], "drafted_by_name": secretary[1], "drafted_by_title": secretary[2],
                    "created_at": effective_at - timedelta(days=10), "submitted_at": effective_at - timedelta(days=9),
                    "reviewed_by_id": reviewer[0], "reviewed_by_name": reviewer[1], "reviewed_by_title": reviewer[2],
                    "reviewed_at": effective_at - timedelta(days=7),
                    "approved_by_id": approver[0], "approved_by_name": approver[1], "approved_by_title": approver[2],
                    "approved_at": effective_at - timedelta(days=5), "effective_from": issued, "took_effect_at": effective_at,
                    "superseded_at": None if current else datetime(next_issue.year, next_issue.month, next_issue.day, 1, tzinfo=UTC),
                    "superseded_by_id": None if current else first_id + number,
                })
        with engine.begin() as connection:
            connection.execute(insert(Document.__table__), doc_rows)
            connection.execute(insert(StoredFile.__table__), file_rows)
            # superseded_by_id points forward inside the chunk: insert first, then set it.
            pointers = [(r["id"], r.pop("superseded_by_id")) for r in revision_rows]
            connection.execute(insert(Revision.__table__), [{**r, "superseded_by_id": None} for r in revision_rows])
            from sqlalchemy import bindparam, update

            table = Revision.__table__
            connection.execute(
                update(table).where(table.c.id == bindparam("rid")).values(superseded_by_id=bindparam("sid")),
                [{"rid": rid, "sid": sid} for rid, sid in pointers if sid is not None],
            )
        if progress:
            progress(min(start + batch, len(plans)), len(plans))
    with engine.begin() as connection:
        follow_explicit_ids(connection, ("organizations", "users", "documents", "revisions"))
    engine.dispose()
    return LoadReport(len(org_rows), len(plans), revision_id, total_words, time.perf_counter() - started)


def follow_explicit_ids(connection: Any, tables: tuple[str, ...]) -> None:
    """Rows inserted with explicit ids leave PostgreSQL's sequences behind: the next row a service adds would
    reuse id 1. SQLite takes the next id after the largest one by itself."""
    from sqlalchemy import text

    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
        ))


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True, help="SQLAlchemy URL, e.g. sqlite:////tmp/corpus.sqlite3")
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--sample", action="store_true", help="print one document's three revisions and stop")
    args = parser.parse_args(argv)
    if args.sample:
        for doc in plan(args.documents, args.seed):
            if doc.code == "QT-HT-04":
                for number in (1, 3):
                    text, _ = document_text(doc, number, args.seed)
                    print(f"===== revision {number}: {len(text.split())} words\n{text}\n")
                return
    report = load(args.url, args.documents, args.seed,
                  progress=lambda done, total: print(f"\r{done}/{total} documents", end="", file=sys.stderr))
    print(file=sys.stderr)
    print(report)


if __name__ == "__main__":
    main()
