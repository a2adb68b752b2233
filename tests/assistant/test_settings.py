"""Tests for assistant.settings: the NEWSDESK_ environment, comma-separated API keys, bounds, and
the store paths derived from data_dir."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No NEWSDESK_* variable of the calling shell leaks into these tests."""
    for name in list(os.environ):
        if name.startswith("NEWSDESK_"):
            monkeypatch.delenv(name)


def test_defaults() -> None:
    s = Settings()
    assert (s.data_dir, s.chroma_mode, s.top_k, s.answerer) == (
        Path(".newsdesk"),
        "embedded",
        5,
        "extractive",
    )
    assert s.api_keys == []


def test_environment_is_read_with_the_newsdesk_prefix_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOP_K", "9")
    assert Settings().top_k == 5
    monkeypatch.setenv("NEWSDESK_TOP_K", "7")
    monkeypatch.setenv("NEWSDESK_DATA_DIR", "/tmp/newsdesk-data")
    monkeypatch.setenv("NEWSDESK_RERANK", "false")
    s = Settings()
    assert (s.top_k, s.data_dir, s.rerank) == (7, Path("/tmp/newsdesk-data"), False)
    # explicit arguments win over the environment
    assert Settings(top_k=3).top_k == 3


def test_unknown_newsdesk_variables_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_NOT_A_SETTING", "x")
    assert not hasattr(Settings(), "not_a_setting")


def test_api_keys_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_API_KEYS", " k1, k2 ,,k3 ")
    keys = Settings().api_keys
    assert [k.get_secret_value() for k in keys] == ["k1", "k2", "k3"]
    assert "k1" not in repr(Settings())  # secrets are masked
    monkeypatch.setenv("NEWSDESK_API_KEYS", "")
    assert Settings().api_keys == []
    assert [k.get_secret_value() for k in Settings(api_keys="a,b").api_keys] == ["a", "b"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("top_k", 0, "greater than or equal to 1"),
        ("top_k", 51, "less than or equal to 50"),
        ("chunk_size", 99, "greater than or equal to 100"),
        ("lexical_max_df", 0, "greater than 0"),
        ("llm_temperature", 2.5, "less than or equal to 2"),
        ("collection", "ab", "at least 3 characters"),
        ("chroma_mode", "bogus", "'embedded' or 'server'"),
    ],
)
def test_out_of_bounds_values_are_rejected_with_a_clear_error(
    field: str, value: object, message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        Settings(**{field: value})  # type: ignore[arg-type]
    (error,) = info.value.errors()
    assert error["loc"] == (field,)
    assert message in error["msg"]
    assert field in str(info.value)


def test_out_of_bounds_environment_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSDESK_CHUNK_SIZE", "99")
    with pytest.raises(ValidationError, match=r"chunk_size\n.*greater than or equal to 100"):
        Settings()


def test_store_paths_derive_from_data_dir(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path, collection="abc")
    assert s.chroma_path == tmp_path / "chroma"
    moved = s.model_copy(update={"data_dir": tmp_path / "other"})
    assert moved.chroma_path == tmp_path / "other" / "chroma"


def test_settings_handed_over_whole_to_child_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.settings import HANDOVER_VARIABLE, get_settings, handed_over

    parent = Settings(
        data_dir=tmp_path / "d", api_keys=["k1", "k2"], llm_base_url="http://127.0.0.1:9/v1"
    )
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "not-this-one"))
    get_settings.cache_clear()
    try:
        with handed_over(parent) as path:
            assert path.stat().st_mode & 0o077 == 0  # readable by this user only
            child = get_settings()
            assert child == parent and child.data_dir == tmp_path / "d"
            assert [k.get_secret_value() for k in child.api_keys] == ["k1", "k2"]
        assert not path.exists() and HANDOVER_VARIABLE not in os.environ
    finally:
        get_settings.cache_clear()
