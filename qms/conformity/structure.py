"""What was read from a process document, in a JSON-serialisable form, and the reading itself.

``read_structure`` never raises: a file that cannot be read gives a structure with ``readable`` False
and the reason in ``problem``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from qms.catalogue.statutory_time import TimeCase

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


#: Bump when reading changes, so stored structures can be told apart.
READER_VERSION = "2"


@dataclass
class Signature:
    #: "draft", "review" or "approve".
    role: str
    name: str = ""
    title: str = ""


@dataclass
class ControlBlock:
    code: str | None = None
    issue_number: int | None = None
    amendment_number: int | None = None
    #: ISO date (yyyy-mm-dd).
    issue_date: str | None = None
    signatures: list[Signature] = field(default_factory=list)
    #: The code and issue number the page headers or footers repeat, when they differ from the cover's.
    running_code: str | None = None
    running_issue: int | None = None


@dataclass
class AmendmentRow:
    request: str = ""
    place: str = ""
    description: str = ""
    issue: str = ""
    date: str = ""


@dataclass
class SectionInfo:
    kind: str | None
    heading: str


@dataclass
class DossierComponent:
    name: str
    original: bool | None = None
    copy: bool | None = None


@dataclass
class Dossier:
    section: str | None = None
    components: list[DossierComponent] = field(default_factory=list)
    #: What the section says instead of a list ("Theo quy định hiện hành").
    reference: str | None = None
    #: The section's first words when it has content but no component could be read from it.
    unread: str | None = None


@dataclass
class StepTime:
    """A step's time in one time column (one case: the normal one, with verification …)."""

    kind: str
    #: The column's heading, which names the case ("Thời gian có xác minh: 08 ngày").
    condition: str = ""
    text: str = ""
    hours: float | None = None
    shared_time: bool = False


@dataclass
class TimeColumn:
    """A time column of the steps table: the case it is and the total its heading states, if any."""

    kind: str
    heading: str = ""
    #: A time written in the heading itself ("Thời gian không xác minh: 03 ngày làm việc"), in working hours.
    stated_hours: float | None = None
    #: A unit given only in the heading ("Thời gian (ngày)"), for bare numbers in the cells.
    unit: str | None = None
    #: The grid columns it covers (a heading merged over sub-headings is split at them).
    grid: list[int] = field(default_factory=list)


@dataclass
class Step:
    number: str
    content: str = ""
    responsible: str = ""
    time_text: str = ""
    time_value: float | None = None
    time_unit: str | None = None
    #: The time in working hours (8 to a working day), None when missing or unreadable.
    hours: float | None = None
    #: The time cell is merged with the step above: one time for both, counted once.
    shared_time: bool = False
    results: str = ""
    #: Form codes named anywhere in the step's row.
    forms: list[str] = field(default_factory=list)
    #: The step's time in each time column, the normal case first (one entry per column).
    times: list[StepTime] = field(default_factory=list)
    #: The step number cell is merged with the row above: the same step on another row, not a repeated number.
    merged_number: bool = False


@dataclass
class Steps:
    section: str | None = None
    #: The kinds of columns found: step, content, responsible, time, results.
    columns: list[str] = field(default_factory=list)
    #: How many tables the steps were read from (a table split over pages counts twice).
    tables: int = 0
    rows: list[Step] = field(default_factory=list)
    #: A "Tổng thời gian" row, as written.
    stated_total: str | None = None
    time_columns: list[TimeColumn] = field(default_factory=list)
    #: Without rows: the first words of a steps section or table the reader could not read.
    unread: str | None = None


@dataclass
class StatedTime:
    section: str | None = None
    text: str = ""
    value: float | None = None
    unit: str | None = None
    #: The normal case in working hours (parts added up when the time is given in parts).
    hours: float | None = None
    #: Every case the section states, each with its condition.
    cases: list[TimeCase] = field(default_factory=list)


@dataclass
class Form:
    code: str
    name: str = ""


@dataclass
class Forms:
    section: str | None = None
    items: list[Form] = field(default_factory=list)


@dataclass
class RecordItem:
    record: str
    place: str = ""
    retention: str = ""


@dataclass
class Records:
    section: str | None = None
    items: list[RecordItem] = field(default_factory=list)
    reference: str | None = None


@dataclass
class NamedLawCited:
    """A law cited by name and year in the legal basis ("Luật Hộ tịch năm 2014"), to resolve against the register."""

    title: str
    year: int
    raw: str = ""


@dataclass
class Structure:
    #: "docx", "pdf", "text" (read from text extracted earlier) or "unknown".
    source: str
    readable: bool = True
    #: Why the file could not be read (English, for the log; the finding says it in Vietnamese).
    problem: str | None = None
    control: ControlBlock = field(default_factory=ControlBlock)
    amendments: list[AmendmentRow] = field(default_factory=list)
    #: An amendment table is there (its rows may all be empty).
    amendment_table: bool = False
    sections: list[SectionInfo] = field(default_factory=list)
    dossier: Dossier = field(default_factory=Dossier)
    stated_time: StatedTime = field(default_factory=StatedTime)
    steps: Steps = field(default_factory=Steps)
    forms: Forms = field(default_factory=Forms)
    records: Records = field(default_factory=Records)
    legal_names: list[NamedLawCited] = field(default_factory=list)
    reader_version: str = READER_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def section_heading(self, kind: str) -> str | None:
        return next((section.heading for section in self.sections if section.kind == kind), None)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Structure:
        """The structure as stored by ``to_dict``; unknown keys are ignored, missing ones take their defaults."""
        control = dict(data.get("control") or {})
        control["signatures"] = [Signature(**_known(Signature, s)) for s in control.get("signatures") or []]
        dossier = dict(data.get("dossier") or {})
        components = dossier.get("components") or []
        dossier["components"] = [DossierComponent(**_known(DossierComponent, c)) for c in components]
        steps = dict(data.get("steps") or {})
        steps["rows"] = [_step(row) for row in steps.get("rows") or []]
        steps["time_columns"] = [TimeColumn(**_known(TimeColumn, c)) for c in steps.get("time_columns") or []]
        stated = dict(data.get("stated_time") or {})
        stated["cases"] = [TimeCase(**_known(TimeCase, case)) for case in stated.get("cases") or []]
        forms = dict(data.get("forms") or {})
        forms["items"] = [Form(**_known(Form, item)) for item in forms.get("items") or []]
        records = dict(data.get("records") or {})
        records["items"] = [RecordItem(**_known(RecordItem, item)) for item in records.get("items") or []]
        return cls(
            source=data.get("source", "unknown"),
            readable=data.get("readable", True),
            problem=data.get("problem"),
            control=ControlBlock(**_known(ControlBlock, control)),
            amendments=[AmendmentRow(**_known(AmendmentRow, row)) for row in data.get("amendments") or []],
            amendment_table=bool(data.get("amendment_table")),
            sections=[SectionInfo(**_known(SectionInfo, s)) for s in data.get("sections") or []],
            dossier=Dossier(**_known(Dossier, dossier)),
            stated_time=StatedTime(**_known(StatedTime, stated)),
            steps=Steps(**_known(Steps, steps)),
            forms=Forms(**_known(Forms, forms)),
            records=Records(**_known(Records, records)),
            legal_names=[NamedLawCited(**_known(NamedLawCited, law)) for law in data.get("legal_names") or []],
            reader_version=data.get("reader_version", READER_VERSION),
        )


def _step(data: dict[str, Any]) -> Step:
    step = Step(**_known(Step, data))
    step.times = [StepTime(**_known(StepTime, time)) for time in data.get("times") or []]
    return step


def _known(cls: type[DataclassInstance], values: dict[str, Any]) -> dict[str, Any]:
    names = cls.__dataclass_fields__
    return {key: value for key, value in values.items() if key in names}
