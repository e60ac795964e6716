"""Benchmarks of the real services on generated data, each run from the repository's root as a module:
``python -m bench.search`` (also ``bench.relevance``, ``bench.profiling``, ``bench.load``, ``bench.corpus``,
``bench.formats``, ``bench.reading``).

They build on the tests' support code (``tests/support``: builders, real server processes, the fixtures),
importable as ``support`` here as pytest's ``pythonpath = ["tests"]`` makes it in the tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: The repository's root: servers and child processes run from here.
ROOT = Path(__file__).resolve().parent.parent

# Appended, not prepended: nothing under tests/ may shadow an installed module.
if str(ROOT / "tests") not in sys.path:
    sys.path.append(str(ROOT / "tests"))
