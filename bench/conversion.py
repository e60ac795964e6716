"""Ways to run LibreOffice for a .doc → .docx conversion, timed on the same 10-page Word 97-2003 files.

    .venv/bin/python -m bench.conversion                  # 5 files, 3 rounds: ~1 min on 2 shared cores
    .venv/bin/python -m bench.conversion --files 8 --rounds 3

(a) per-file: one soffice per file in a fresh profile (``QMS_CONVERTER=per-file``, the fallback);
(b) template: one soffice per file in a copy of a profile that LibreOffice has already initialised;
(c) persistent: one long-lived LibreOffice driven through UNO (``QMS_CONVERTER=persistent``, the default);
its start is timed apart, as a worker pays it once when it starts.
Prints each round's median and max per way with the load averages beside them; DIR/conversion.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.formats import ten_page_docx, to_doc
from qms.files import conversion, office_converter
from qms.files.conversion import DOCX_FILTER, SOFFICE, ConversionLimits


def template_profile(work: Path, sample: bytes) -> Path:
    """A profile LibreOffice has initialised, by converting one file in it."""
    template = work / "template"
    office_converter.write_profile(template / "profile")
    (template / "sample.doc").write_bytes(sample)
    conversion.run_bounded(
        [SOFFICE, f"-env:UserInstallation={(template / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", f"docx:{DOCX_FILTER}", "--outdir", str(template), str(template / "sample.doc")],
        timeout=120, cwd=template, env={**os.environ, "HOME": str(template), "SAL_USE_VCLPLUGIN": "svp"},
    )
    return template / "profile"


def from_template(profile: Path) -> Callable[[bytes], bytes]:
    def convert(data: bytes) -> bytes:
        with tempfile.TemporaryDirectory(prefix="qms-bench-") as scratch:
            root = Path(scratch)
            shutil.copytree(profile, root / "profile")
            (root / "source.doc").write_bytes(data)
            conversion.run_bounded(
                [SOFFICE, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless", "--invisible",
                 "--nologo", "--nodefault", "--nolockcheck", "--norestore", "--convert-to", f"docx:{DOCX_FILTER}",
                 "--outdir", str(root), str(root / "source.doc")],
                timeout=120, cwd=root, env={**os.environ, "HOME": str(root), "SAL_USE_VCLPLUGIN": "svp"},
            )
            return (root / "source.docx").read_bytes()
    return convert


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=5, help="10-page .doc files, each converted once a round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="qms-conversion-"))
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(14)
    print("preparing files (LibreOffice makes the .doc files) …", flush=True)
    docs = [to_doc(ten_page_docx(f"mabench{n:04d}", rng), work) for n in range(args.files)]

    per_file = ConversionLimits(converter=conversion.PER_FILE)
    persistent = ConversionLimits(converter=conversion.PERSISTENT)
    started = time.perf_counter()
    office_converter.POOL.warm(persistent.converter_python, SOFFICE)
    start_s = time.perf_counter() - started
    print(f"persistent converter started in {start_s:.2f} s (load {os.getloadavg()[0]:.1f})", flush=True)
    ways: dict[str, Callable[[bytes], bytes]] = {
        "a_per_file": lambda data: conversion.to_docx(data, "doc", per_file).content,
        "b_template": from_template(template_profile(work, docs[0])),
        "c_persistent": lambda data: conversion.to_docx(data, "doc", persistent).content,
    }
    rounds: list[dict[str, object]] = []
    for number in range(1, args.rounds + 1):
        figures: dict[str, object] = {"load_before": [round(x, 2) for x in os.getloadavg()]}
        for name, convert in ways.items():
            seconds = []
            for data in docs:
                began = time.perf_counter()
                assert convert(data)
                seconds.append(time.perf_counter() - began)
            figures[name] = {"median_s": round(statistics.median(seconds), 3), "max_s": round(max(seconds), 3)}
        figures["load_after"] = [round(x, 2) for x in os.getloadavg()]
        rounds.append(figures)
        print(f"round {number}: {json.dumps(figures)}", flush=True)
    office_converter.POOL.close()
    summary = {name: round(statistics.median(r[name]["median_s"] for r in rounds), 3)  # type: ignore[index]
               for name in ways}
    print(f"median of the rounds' medians (s): {summary}")
    (work / "conversion.json").write_text(json.dumps({"arguments": vars(args) | {"workdir": str(work)},
                                                      "persistent_start_s": round(start_s, 2), "rounds": rounds,
                                                      "median_s": summary}, default=str, indent=2))
    print(f"results: {work / 'conversion.json'}")


if __name__ == "__main__":
    main()
