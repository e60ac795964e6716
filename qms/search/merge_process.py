"""The background merge's own process: ``python -m qms.search.merge_process DIR SIZE WRITER_TIMEOUT``.

A module of its own because the package imports ``merging`` first, and running an imported module as ``__main__``
would load it twice.
"""

from __future__ import annotations

import sys

from qms.search.merging import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
