"""Test helpers shared by several test folders and the perf scripts (importable as ``support`` once
``tests/`` is on ``sys.path``, which pytest does for ``tests/conftest.py``)."""
