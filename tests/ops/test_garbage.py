"""A gunicorn sync worker collects cyclic garbage between requests only (qms.ops.garbage, config/gunicorn.conf.py)."""

from __future__ import annotations

import gc
import runpy
import weakref
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from qms.ops import garbage

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"


class Node:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.itself = self


@pytest.fixture
def automatic_collection_restored() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def cycle() -> weakref.ref[Node]:
    return weakref.ref(Node())


def test_cycles_wait_for_the_end_of_the_request(automatic_collection_restored):
    garbage.collect_between_requests()
    assert not gc.isenabled() and gc.get_freeze_count() > 0

    left = cycle()
    # Far more allocations than would have started a collection (700 in CPython's default threshold).
    kept = [Node() for _ in range(10 * gc.get_threshold()[0])]
    assert left() is not None  # in the middle of the request: nothing collected
    del kept
    garbage.after_request()
    assert left() is None


def test_the_whole_heap_is_collected_as_often_as_cpython_would(automatic_collection_restored):
    garbage.collect_between_requests()
    every = gc.get_threshold()[2] + 1
    generations = [garbage.after_request() for _ in range(3 * every)]
    # Every request the young generations; after threshold2 of those, all of them.
    assert [number for number, generation in enumerate(generations, 1) if generation == 2] == [every, 2 * every,
                                                                                               3 * every]


def test_gunicorn_hooks_collect_between_requests_in_a_sync_worker(automatic_collection_restored):
    hooks = runpy.run_path(str(GUNICORN_CONF))
    worker = SimpleNamespace(cfg=SimpleNamespace(threads=1))
    hooks["post_worker_init"](worker)
    assert not gc.isenabled() and gc.get_freeze_count() > 0
    left = cycle()
    hooks["post_request"](worker, None, {}, None)
    assert left() is None


def test_gunicorn_hooks_leave_a_threaded_worker_to_cpython(automatic_collection_restored):
    hooks = runpy.run_path(str(GUNICORN_CONF))
    worker = SimpleNamespace(cfg=SimpleNamespace(threads=4))
    hooks["post_worker_init"](worker)
    hooks["post_request"](worker, None, {}, None)
    # Another thread may be in the middle of a request: nothing frozen, collection left automatic.
    assert gc.isenabled() and gc.get_freeze_count() == 0
