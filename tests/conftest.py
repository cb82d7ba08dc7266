"""Shared fixtures: one engine over the sample corpus for the whole session (models load once)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.settings import Settings, quiet_offline_environment

quiet_offline_environment()  # as the entry points do, before a model library is imported

from service.engine import Newsdesk, sample_corpus_path  # noqa: E402


@pytest.fixture(scope="session")
def sample_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("sample-index"))


@pytest.fixture(scope="session")
def sample_engine(sample_settings: Settings) -> Iterator[Newsdesk]:
    engine = Newsdesk(sample_settings)
    report = engine.ingest_paths([sample_corpus_path()])
    assert report.ok and len(report.added) == 5, report.summary()
    engine.warm_up()
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def client(sample_engine: Newsdesk) -> Iterator[TestClient]:
    from newsdesk.app import create_app

    app = create_app(sample_engine.settings, newsdesk=sample_engine, mount_ui=True)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def fresh_engine(tmp_path: Path) -> Iterator[Newsdesk]:
    """An empty engine of its own, for tests that write."""
    engine = Newsdesk(Settings(data_dir=tmp_path / "data"))
    yield engine
    engine.close()


@pytest.fixture
def sample_dir() -> Path:
    return sample_corpus_path()


@pytest.fixture(scope="module")
def writable_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Newsdesk]:
    """An engine with the sample corpus that tests in one module may write to."""
    engine = Newsdesk(Settings(data_dir=tmp_path_factory.mktemp("writable")))
    engine.ingest_paths([sample_corpus_path()])
    yield engine
    engine.close()


def app_client(engine: Newsdesk, **settings: object) -> TestClient:
    """A TestClient over the app serving ``engine``, with these settings overridden (auth, limits)."""
    from newsdesk.app import create_app

    return TestClient(create_app(engine.settings.model_copy(update=settings), newsdesk=engine, mount_ui=True))
