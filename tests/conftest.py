"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from support.cli import TEST_PACK_CACHE
from support.fake_openai import FakeOpenAI

# Every aicmo a test starts (pre-commit's, an editor's, a fuzzer's) writes its pack cache here, not
# into the developer's own cache folder; tests of the cache itself set AICMO_CACHE_DIR.
os.environ.setdefault("AICMO_CACHE_DIR", str(TEST_PACK_CACHE))


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A scripted OpenAI-compatible server on 127.0.0.1 (see ``tests/support/fake_openai.py``):
    queue answers with ``fake_openai.reply(...)``, point a client at ``fake_openai.base_url``, read
    what it sent in ``fake_openai.requests``."""
    with FakeOpenAI() as server:
        yield server
