"""The persistent LibreOffice converter: file after file in one LibreOffice with nothing carried between them, a hung
file killed at its time-out and a new LibreOffice for the next, a crash recovered, and one soffice per file when no
persistent converter can start."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from qms.files import conversion, office_converter
from qms.files.conversion import SOFFICE, ConversionFailed, ConversionLimits
from qms.text.extract import extract_text

pytestmark = pytest.mark.slow

LIMITS = ConversionLimits(timeout=60)


def rtf(*paragraphs: str) -> bytes:
    """A small RTF document (ASCII text) with the given paragraphs."""
    body = r"\par ".join(paragraphs)
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 DejaVu Sans;}}\\f0\\fs24 " + body + "}").encode("ascii")


def text_of(data: bytes, limits: ConversionLimits = LIMITS) -> str:
    return extract_text(conversion.to_docx(data, "rtf", limits).content, "rendition.docx").text


def the_converter(limits: ConversionLimits = LIMITS) -> office_converter.OfficeConverter:
    idle = office_converter.POOL.idle(limits.converter_python, SOFFICE)
    assert len(idle) == 1, idle
    return idle[0]


def group_members(group: int) -> dict[int, str]:
    """pid → command name of the live processes of a process group (zombies left out)."""
    members = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == group and fields[0] != "Z":
            members[int(entry.name)] = name
    return members


def office_process(converter: office_converter.OfficeConverter) -> int:
    assert converter.process is not None
    found = [pid for pid, name in group_members(converter.process.pid).items() if name == "soffice.bin"]
    assert len(found) == 1, group_members(converter.process.pid)
    return found[0]


@pytest.fixture(autouse=True)
def fresh_pool():
    office_converter.POOL.close()
    yield
    office_converter.POOL.close()


def test_one_libreoffice_converts_file_after_file_and_each_rendition_holds_only_its_own_text():
    first = text_of(rtf("Quy trinh alphamarker", "Buoc 1: tiep nhan ho so"))
    converter = the_converter()
    office = office_process(converter)
    second = text_of(rtf("Quy trinh betamarker", "Buoc 2: tham dinh"))
    third = text_of(rtf("Quy trinh gammamarker"))
    assert the_converter() is converter and office_process(converter) == office  # the same LibreOffice, kept up
    assert converter.converted == 3
    assert "alphamarker" in first and "tiep nhan" in first
    assert "betamarker" in second and "alphamarker" not in second and "tiep nhan" not in second
    assert "gammamarker" in third and "betamarker" not in third and "tham dinh" not in third
    # What one soffice per file makes of the same document, in a fresh profile.
    alone = text_of(rtf("Quy trinh betamarker", "Buoc 2: tham dinh"), ConversionLimits(converter="per-file"))
    assert second == alone


def test_a_hung_file_is_killed_at_its_time_out_and_the_next_file_gets_a_new_libreoffice():
    text_of(rtf("Quy trinh khoidong"))
    converter = the_converter()
    assert converter.process is not None
    group = converter.process.pid
    os.kill(office_process(converter), signal.SIGSTOP)  # LibreOffice hangs on the next file
    started = time.monotonic()
    with pytest.raises(ConversionFailed) as failed:
        text_of(rtf("Quy trinh treo"), ConversionLimits(timeout=2))
    assert failed.value.code == "timeout" and "Quá thời gian xử lý" in failed.value.message
    assert time.monotonic() - started < 10
    deadline = time.monotonic() + 10
    while group_members(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert group_members(group) == {}, "the hung LibreOffice and its bridge are killed, nothing left running"
    assert office_converter.POOL.idle(LIMITS.converter_python, SOFFICE) == []

    assert "sauthoigian" in text_of(rtf("Quy trinh sauthoigian"))
    assert the_converter().process.pid != group  # type: ignore[union-attr]


def test_libreoffice_dying_between_files_is_replaced_and_the_next_file_is_converted():
    text_of(rtf("Quy trinh truoc"))
    converter = the_converter()
    os.kill(office_process(converter), signal.SIGKILL)  # a crash while idle
    time.sleep(0.5)
    assert "saukhisap" in text_of(rtf("Quy trinh saukhisap"))  # no failed attempt for a file that was not the cause
    replacement = the_converter()
    assert replacement is not converter and replacement.alive() and not converter.alive()


def test_libreoffice_dying_under_a_file_fails_that_attempt_and_a_new_one_takes_the_next():
    text_of(rtf("Quy trinh truoc"))
    converter = the_converter()
    office = office_process(converter)
    big = rtf(*(f"Buoc {n}: cong chuc tiep nhan ho so va kiem tra thanh phan" for n in range(40_000)))
    outcome: list[BaseException | str] = []

    def convert() -> None:
        try:
            outcome.append(text_of(big))
        except ConversionFailed as error:
            outcome.append(error)

    worker = threading.Thread(target=convert)
    worker.start()
    time.sleep(1.5)  # the big file is being read (seconds) when LibreOffice dies
    os.kill(office, signal.SIGKILL)
    worker.join(60)
    assert len(outcome) == 1 and isinstance(outcome[0], ConversionFailed), outcome[:1]
    assert outcome[0].code == "crashed" and outcome[0].retry  # the queue tries the file again later
    assert not converter.alive()
    assert "tieptheo" in text_of(rtf("Quy trinh tieptheo"))


def test_without_uno_bindings_each_file_gets_its_own_soffice(caplog):
    no_uno = ConversionLimits(timeout=60, converter_python=sys.executable)  # the application's Python has no uno
    caplog.set_level(logging.WARNING, logger="qms.files.office_converter")
    assert "duphong" in text_of(rtf("Quy trinh duphong"), no_uno)
    assert office_converter.POOL.idle(no_uno.converter_python, SOFFICE) == []
    assert any("persistent LibreOffice converter unavailable" in record.getMessage() for record in caplog.records)
    assert "lanhai" in text_of(rtf("Quy trinh lanhai"), no_uno)  # not tried again for a minute: straight to soffice


def odt_running_a_macro_on_load(marker: Path) -> bytes:
    """The fixture .odt with a Basic macro bound to the document's load event that writes `marker` (LibreOffice runs
    it when macros are allowed: loaded visibly with MacroExecutionMode ALWAYS_EXECUTE_NO_WARN and security level 0)."""
    import io
    import zipfile

    from support.format_files import fixture

    doctype = '<!DOCTYPE {0} PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "{1}">'
    basic = {
        "Basic/script-lc.xml": doctype.format("library:libraries", "libraries.dtd")
        + '<library:libraries xmlns:library="http://openoffice.org/2000/library" '
        'xmlns:xlink="http://www.w3.org/1999/xlink"><library:library library:name="Standard" library:link="false"/>'
        "</library:libraries>",
        "Basic/Standard/script-lb.xml": doctype.format("library:library", "library.dtd")
        + '<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" '
        'library:readonly="false" library:passwordprotected="false"><library:element library:name="Module1"/>'
        "</library:library>",
        "Basic/Standard/Module1.xml": doctype.format("script:module", "module.dtd")
        + '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
        f'script:language="StarBasic">Sub Main\nOpen &quot;{marker}&quot; For Output As #1\nPrint #1, &quot;ran&quot;'
        "\nClose #1\nEnd Sub\n</script:module>",
    }
    listener = (
        '<office:scripts><office:event-listeners><script:event-listener script:language="ooo:script" '
        'script:event-name="dom:load" xlink:type="simple" '
        'xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/>'
        "</office:event-listeners></office:scripts>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(fixture("process.odt"))) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "content.xml":
                assert b"<office:scripts/>" in data
                data = data.replace(b"<office:scripts/>", listener.encode())
            elif info.filename == "META-INF/manifest.xml":
                entries = "".join(f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"/>'
                                  for name in basic)
                data = data.replace(b"</manifest:manifest>", entries.encode() + b"</manifest:manifest>")
            target.writestr(info, data)
        for name, text in basic.items():
            target.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>\n' + text)
    return out.getvalue()


@pytest.mark.parametrize("converter", ["persistent", "per-file"])
def test_a_macro_bound_to_the_document_opening_never_runs(tmp_path, converter):
    marker = tmp_path / "macro-ran.txt"
    limits = ConversionLimits(timeout=60, converter=converter)
    produced = conversion.to_docx(odt_running_a_macro_on_load(marker), "odt", limits)
    text = extract_text(produced.content, "rendition.docx").text
    assert "trích lục" in text.lower()  # converted as any other .odt
    time.sleep(1)
    assert not marker.exists()
