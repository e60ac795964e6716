"""What the tests (and the benchmarks) build on: factories, page helpers, real server and worker processes,
hostile files and search samples. Importable as ``support`` (pytest's ``pythonpath = ["tests"]``)."""
