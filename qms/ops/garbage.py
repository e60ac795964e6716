"""Cyclic garbage collected between requests in a gunicorn sync worker, never in the middle of one.

Under load on a province-sized PostgreSQL installation, workers on CPython 3.11 died of SIGSEGV in the cycle
collector: started by an allocation in the middle of a request that loads thousands of ORM objects, it met a
corrupted heap. One process replaying the load's list requests crashes within a few hundred of them on CPython
3.11.2 and 3.11.7 (C extensions of SQLAlchemy and psycopg or not), and never with automatic collection off and the
same collections run between requests, nor on CPython 3.12. So a worker freezes what it imported (it is never
garbage, and a frozen object is not scanned again), turns automatic collection off, and after each response
collects what the request left: the young generations every time, all generations as often as CPython would.
"""

from __future__ import annotations

import gc


def collect_between_requests() -> None:
    """From now on, cycles are collected only when ``after_request`` says (call once the application is loaded)."""
    gc.collect()
    gc.freeze()
    gc.disable()


def after_request() -> int:
    """Collect the generations CPython would have collected by now; returns the oldest generation collected."""
    # With collection off CPython still counts: allocations in generation 0, and each collection of a younger
    # generation in the next one. The whole heap once every ``threshold2`` collections of the younger ones.
    generation = 2 if gc.get_count()[2] >= gc.get_threshold()[2] else 1
    gc.collect(generation)
    return generation
