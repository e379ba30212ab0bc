"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.fake_openai import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A scripted OpenAI-compatible server on 127.0.0.1 (see ``tests/support/fake_openai.py``):
    queue answers with ``fake_openai.reply(...)``, point a client at ``fake_openai.base_url``, read
    what it sent in ``fake_openai.requests``."""
    with FakeOpenAI() as server:
        yield server
