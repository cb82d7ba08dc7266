"""The documents panel: filters, listing and search, outlets, and who may add or delete an article."""

import base64
from datetime import date

import pytest

from ingest.models import Article
from service.settings import Settings
from ui import documents
from ui.panel import DocumentsPanel

ARTICLES = [
    Article(
        id="ferry-1",
        title="Gozo ferry crews end strike",
        body="Ferry crews ended their strike on Friday after the operator agreed to hire nine deckhands.",
        source="courier.example",
        url="https://courier.example/ferry",
        published=date(2017, 2, 10),
        byline="Maria Borg",
        metadata={"outlet": "Island Courier"},
    ),
    Article(
        id="rail-1",
        title="Council approves rail budget",
        body="The Springfield council voted 7 to 2 on Tuesday to approve the light rail budget.",
        source="herald.example",
        published=date(2017, 1, 17),
    ),
    Article(
        id="library-1",
        title="Library reopens",
        body="The Springfield library reopened on Monday after flood repairs.",
        source="herald.example",
        published=date(2017, 3, 6),
    ),
]


@pytest.fixture(scope="module")
def news_engine(tmp_path_factory):
    from service.engine import Newsdesk

    engine = Newsdesk(Settings(data_dir=tmp_path_factory.mktemp("panel")))
    assert engine.ingest_articles(ARTICLES).ok
    yield engine
    engine.close()


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"newsroom:{key}".encode()).decode()


def test_filters_name_the_field_and_the_format():
    assert documents.parse_filters("herald.example", "2017-01-01", " ") == documents.Filters(
        "herald.example", date(2017, 1, 1), None
    )
    with pytest.raises(documents.FilterError, match="Published to: '1 March' is not a date like 2017-02-07"):
        documents.parse_filters("", "", "1 March")
    with pytest.raises(documents.FilterError, match="must not be after"):
        documents.parse_filters("", "2017-03-01", "2017-02-01")
    chosen = documents.Filters("herald.example", date(2017, 1, 1), date(2017, 2, 1))
    assert chosen.describe({"herald.example": "Springfield Herald"}) == (
        "Only articles from Springfield Herald, published 2017-01-01 to 2017-02-01."
    )
    assert documents.Filters().describe({}) == "" and documents.Filters().document_filter() is None


def test_outlets_are_named_and_counted_biggest_first(news_engine):
    found = documents.outlets(news_engine)
    assert [outlet.label for outlet in found] == [
        "herald.example · 2",
        "Island Courier (courier.example) · 1",
    ]
    assert documents.outlet_choices(found)[2] == ("Island Courier (courier.example) · 1", "courier.example")


def test_the_panel_lists_by_outlet_and_date_and_searches_by_words(news_engine):
    panel = DocumentsPanel(lambda: news_engine, lambda: news_engine.settings)
    summary, rows, page = panel.show("", "herald.example", "2017-02-01", "", 0)
    assert summary == "Articles 1–1 of 1" and "library-1" in rows and "rail-1" not in rows and page == 0
    summary, rows, _ = panel.show("deckhands strike", "", "", "", 0)
    assert summary.startswith("1 article has the words") and "ferry-1" in rows
    assert 'href="articles/ferry-1"' in rows and "Island Courier" in rows and "10 Feb 2017" in rows
    summary, rows, _ = panel.show("", "", "", "", 5)  # past the end: the last page
    assert summary == "Articles 1–3 of 3"
    assert panel.show("", "", "someday", "", 0)[0].startswith("Published from: ")


def test_writes_follow_the_apis_rule():
    open_server = Settings()
    assert documents.may_write(open_server, None)
    readers_only = Settings(api_keys=["reader"])
    assert documents.may_write(readers_only, basic("reader")) and not documents.may_write(readers_only, None)
    with_admins = Settings(api_keys=["reader"], admin_keys=["admin"])
    assert documents.may_write(with_admins, basic("admin"))
    assert documents.may_write(with_admins, "Bearer admin")
    assert not documents.may_write(with_admins, basic("reader"))
    assert not documents.may_write(with_admins, basic("nobody"))


def test_adding_and_deleting_an_article_from_the_panel(fresh_engine, tmp_path):
    story = tmp_path / "harbour-1.txt"
    story.write_text("Harbour reopens\n\nThe harbour reopened on Monday after the storm.")
    added = documents.add_article_file(fresh_engine, str(story), source="Harbour Post", url=" ")
    assert added == "harbour-1 added: Harbour reopens"
    record = fresh_engine.catalog.get_document("harbour-1")
    assert record.source == "Harbour Post" and record.url is None
    assert documents.add_article_file(fresh_engine, str(story)).endswith("replaced: Harbour reopens")

    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert documents.add_article_file(fresh_engine, str(empty)) == "Not added: the file is empty."
    feed = tmp_path / "feed.jsonl"
    feed.write_text("{}")
    assert "POST /v1/ingest" in documents.add_article_file(fresh_engine, str(feed))

    assert (
        documents.delete_article(fresh_engine, "nothing-here")
        == "Not deleted: no article has the id 'nothing-here'."
    )
    assert documents.delete_article(fresh_engine, " ").startswith("Type the id")
    assert documents.delete_article(fresh_engine, "harbour-1") == "harbour-1 deleted from every index."
    assert fresh_engine.catalog.get_document("harbour-1") is None
