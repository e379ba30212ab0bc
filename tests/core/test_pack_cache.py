"""The pack cache: a hit gives exactly what loading gives, and anything that could make it differ
(an edited, added, removed or swapped file, a corrupt or foreign entry) is a miss, never an error."""

from __future__ import annotations

import hashlib
import marshal
import os
import shutil
from dataclasses import fields
from pathlib import Path

import pytest
from platformdirs import user_cache_dir

from aicmo_core.benchmarks import loader, pack_cache, pack_reader
from aicmo_core.benchmarks.file_models import SectionDefinition, to_benchmark
from aicmo_core.benchmarks.loader import PackSet, load_packs
from aicmo_core.benchmarks.models import SECTION_FIELDS, SectionBenchmark
from aicmo_core.benchmarks.pack_cache import PackCache, user_cache_folder
from aicmo_core.benchmarks.vocabulary import builtin_vocabulary
from aicmo_core.config import AicmoConfig
from aicmo_core.config_file import AicmoConfigFile

FIXTURES = Path(__file__).parent.parent / "fixtures" / "benchmarks"
LIBRARY = "library: shared\nsections:\n  - id: overview\n    label: Overview\n    min_words: {low}\n    max_words: 90\n"
PACK = "key: team\nlabel: Team\ninclude: [../library/shared.yaml]\nsections:\n  - overview\n"


class Reads:
    """Counts the pack files read and validated (a hit reads none)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = pack_reader.read_pack_file

        def counted(*args: object, **kwargs: object) -> object:
            self.count += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(pack_reader, "read_pack_file", counted)


def team_folder(root: Path, low: int = 10) -> Path:
    (root / "team" / "packs").mkdir(parents=True)
    (root / "team" / "library").mkdir()
    (root / "team" / "library" / "shared.yaml").write_text(LIBRARY.format(low=low), encoding="utf-8")
    (root / "team" / "packs" / "team.yaml").write_text(PACK, encoding="utf-8")
    return root / "team"


def same(first: PackSet, second: PackSet) -> bool:
    return (first.packs, first.problems, first.stamps) == (second.packs, second.problems, second.stamps)


@pytest.fixture
def cache(tmp_path: Path) -> PackCache:
    return PackCache(tmp_path / "cache")


def test_a_hit_gives_the_packs_and_problems_loading_gives(
    cache: PackCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = shutil.copytree(FIXTURES / "broken", tmp_path / "broken")
    uncached = load_packs([broken])
    assert uncached.problems  # the broken files' problems are cached too
    first = load_packs([broken], cache=cache)
    reads = Reads(monkeypatch)
    second = load_packs([broken], cache=cache)
    assert reads.count == 0
    assert same(uncached, first) and same(uncached, second)
    assert [section.fingerprint for pack in second.packs.values() for section in pack.sections] == [
        section.fingerprint for pack in uncached.packs.values() for section in pack.sections
    ]


def test_an_edited_library_is_read_again_even_with_the_same_size_and_time(
    cache: PackCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = team_folder(tmp_path, low=10)
    assert load_packs([folder], cache=cache).packs["team"].sections[0].min_words == 10
    library = folder / "library" / "shared.yaml"
    before = library.stat()
    library.write_text(LIBRARY.format(low=20), encoding="utf-8")
    os.utime(library, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads = Reads(monkeypatch)
    assert load_packs([folder], cache=cache).packs["team"].sections[0].min_words == 20
    assert reads.count == 1


def test_an_added_or_removed_pack_file_is_a_miss(cache: PackCache, tmp_path: Path) -> None:
    folder = team_folder(tmp_path)
    load_packs([folder], cache=cache)
    other = folder / "packs" / "other.yaml"
    other.write_text(PACK.replace("key: team", "key: other"), encoding="utf-8")
    assert {"team", "other"} <= set(load_packs([folder], cache=cache).packs)
    other.unlink()
    packs = load_packs([folder], cache=cache).packs
    assert "team" in packs and "other" not in packs


def test_a_library_the_pack_reaches_through_a_link_is_read_where_the_link_points(
    cache: PackCache, tmp_path: Path
) -> None:
    folder = team_folder(tmp_path, low=10)
    (folder / "library" / "shared.yaml").rename(folder / "library" / "ten.yaml")
    (folder / "library" / "thirty.yaml").write_text(LIBRARY.format(low=30), encoding="utf-8")
    link = folder / "library" / "shared.yaml"
    link.symlink_to("ten.yaml")
    assert load_packs([folder], cache=cache).packs["team"].sections[0].min_words == 10
    link.unlink()
    link.symlink_to("thirty.yaml")
    assert load_packs([folder], cache=cache).packs["team"].sections[0].min_words == 30


def test_a_library_moved_outside_the_folder_is_refused_again(cache: PackCache, tmp_path: Path) -> None:
    folder = team_folder(tmp_path)
    assert load_packs([folder], cache=cache).problems == []
    outside = tmp_path / "outside.yaml"
    (folder / "library" / "shared.yaml").rename(outside)
    (folder / "library" / "shared.yaml").symlink_to(outside)
    problems = [str(problem) for problem in load_packs([folder], cache=cache).problems]
    assert any("is outside" in problem for problem in problems), problems


@pytest.mark.parametrize("garbage", [b"", b"not marshal at all", marshal.dumps((1, 2, 3)), marshal.dumps({"a": 1})])
def test_a_corrupt_entry_is_ignored_and_rewritten(cache: PackCache, tmp_path: Path, garbage: bytes) -> None:
    folder = team_folder(tmp_path)
    expected = load_packs([folder])
    load_packs([folder], cache=cache)
    entries = sorted(cache.folder.glob("packs-*.marshal"))
    assert len(entries) == 2  # the built-in folder and the team's
    for entry in entries:
        entry.write_bytes(garbage)
    assert same(load_packs([folder], cache=cache), expected)
    assert all(entry.read_bytes() != garbage for entry in entries)


def test_an_entry_of_another_aicmo_version_is_not_used(
    cache: PackCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = team_folder(tmp_path)
    load_packs([folder], cache=cache)
    monkeypatch.setattr(pack_cache, "__version__", "0.0.0-other")
    reads = Reads(monkeypatch)
    load_packs([folder], cache=cache)
    assert reads.count > 0


def test_a_cache_folder_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("in the way", encoding="utf-8")
    cache = PackCache(blocked / "cache")
    assert same(load_packs([team_folder(tmp_path)], cache=cache), load_packs([tmp_path / "team"]))


def test_no_cache_from_the_environment_when_it_is_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AICMO_CACHE_DIR", str(tmp_path / "chosen"))
    monkeypatch.delenv("AICMO_NO_CACHE", raising=False)
    chosen = PackCache.from_environment()
    assert chosen is not None and chosen.folder == tmp_path / "chosen"
    for value in ("1", "true", "yes"):
        monkeypatch.setenv("AICMO_NO_CACHE", value)
        assert PackCache.from_environment() is None
    monkeypatch.setenv("AICMO_NO_CACHE", "0")
    assert PackCache.from_environment() is not None


def test_the_oldest_entries_go_when_there_are_too_many(
    cache: PackCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pack_cache, "MAX_ENTRIES", 4)
    for number in range(6):
        load_packs([team_folder(tmp_path / str(number))], cache=cache)
    assert len(list(cache.folder.glob("*.marshal"))) <= 4
    assert load_packs([tmp_path / "5" / "team"], cache=cache).problems == []


def test_the_builtin_vocabulary_from_the_cache_is_the_one_loading_gives(cache: PackCache) -> None:
    built = builtin_vocabulary()
    try:
        pack_cache.use_in_this_process(cache)
        for _ in range(2):  # a miss that writes the entry, then a hit
            builtin_vocabulary.cache_clear()
            assert builtin_vocabulary() == built
        assert len(list(cache.folder.glob("data-vocabulary-*.marshal"))) == 1
    finally:
        pack_cache.use_in_this_process(None)
        builtin_vocabulary.cache_clear()


def test_data_entries_hold_only_for_the_same_text(cache: PackCache) -> None:
    cache.store_data("example", "text", {"a": (1, 2)})
    assert cache.load_data("example", "text") == {"a": (1, 2)}
    assert cache.load_data("example", "text edited") is None


# --- the plain models and the pydantic ones stay one definition ---------------------------------


def test_section_benchmark_has_the_fields_of_the_file_model_in_their_order() -> None:
    model = SectionDefinition.model_fields
    assert list(SECTION_FIELDS) == list(model)
    for field in fields(SectionBenchmark):
        if field.name in model and not model[field.name].is_required():
            assert field.default == model[field.name].get_default(call_default_factory=True), field.name


def test_fingerprints_are_those_of_the_validated_sections() -> None:
    """The fingerprint seeds the template writer: it must not change with the class."""
    for pack in load_packs([]).packs.values():
        for section in pack.sections:
            definition = SectionDefinition.model_validate(section.as_dict())
            assert to_benchmark(definition) == section
            payload = definition.model_dump_json().encode()
            assert section.fingerprint == hashlib.blake2b(payload, digest_size=8).hexdigest()


def test_aicmo_config_has_the_fields_of_the_file_model() -> None:
    assert [field.name for field in fields(AicmoConfig)] == list(AicmoConfigFile.model_fields)


def test_loading_without_a_cache_never_writes_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "this_process", lambda: None)
    load_packs([team_folder(tmp_path)])
    assert not list(tmp_path.rglob("*.marshal"))


@pytest.mark.parametrize("xdg", [None, "", "  ", "/srv/cache"])
def test_the_cache_folder_is_the_one_platformdirs_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, xdg: str | None
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert user_cache_folder() == Path(user_cache_dir("aicmo", appauthor=False))
