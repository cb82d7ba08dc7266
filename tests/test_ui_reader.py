"""The article view (cited spans marked at their exact offsets) and the offline API docs beside /ui."""

import re

from tests.conftest import app_client
from ui.reader import highlight, merge

TEXT = "Ferry crews ended their strike. The operator hired nine deckhands. The union <b>agreed</b>."


def marks(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", inner) for inner in re.findall(r'<mark id="cited-\d+">(.*?)</mark>', page)]


def test_highlight_marks_exactly_the_cited_offsets_and_bolds_the_direct_answer():
    spans = [(32, 66), (0, 31)]
    page = highlight(TEXT, spans, strong=(51, 55))
    assert marks(page) == [TEXT[0:31], TEXT[32:66]]
    assert '<mark id="cited-1">Ferry' in page  # the first in the text is the one scrolled to
    assert '<strong class="nd-direct">nine</strong>' in page
    assert "&lt;b&gt;agreed&lt;/b&gt;" in page and "<b>" not in page  # article text is text
    assert re.sub(r"<[^>]+>", "", page).replace("&lt;", "<").replace("&gt;", ">") == TEXT


def test_overlapping_spans_are_marked_once():
    assert merge([(10, 20), (0, 5), (15, 30), (30, 31)]) == [(0, 5), (10, 31)]
    assert marks(highlight(TEXT, [(0, 10), (5, 20)])) == [TEXT[0:20]]


def test_the_article_view_marks_a_citation_of_the_api_and_loads_nothing(client):
    answer = client.post(
        "/v1/ask", json={"question": "Who offered a jet to get Clinton to the endorsement dinner?"}
    )
    citation = answer.json()["citations"][0]
    page = client.get(
        f"/ui/articles/{citation['doc_id']}", params={"cite": f"{citation['start']}-{citation['end']}"}
    )
    assert page.status_code == 200, page.text
    assert marks(page.text) == [citation["snippet"].replace("'", "&#x27;").replace('"', "&quot;")]
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert "http" not in re.sub(r'href="[^"]*"', "", page.text)  # no address to fetch anything from


def test_the_article_view_refuses_bad_spans_naming_the_parameter(client):
    for params, words in [
        ({"cite": "12"}, "cite: '12' is not START-END"),
        ({"cite": "5-999999"}, "is not a span of the article's"),
        ({"cite": ["1-2"] * 51}, "at most 50 spans"),
        ({"answer": "9-3"}, "answer: 9-3 is not a span"),
    ]:
        response = client.get("/ui/articles/001_232c99f60a508717", params=params)
        assert response.status_code == 422 and words in response.json()["message"], response.text
    missing = client.get("/ui/articles/no-such-article")
    assert missing.status_code == 404 and "no-such-article" in missing.json()["message"]


def test_api_docs_load_their_scripts_from_this_server(client):
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200
        assert not re.findall(r'(?:src|href)="https?://', page.text), page.text
        assert "img-src 'self'" in page.headers["content-security-policy"]
        for asset in re.findall(r'(?:src|href)="(/[^"]+)"', page.text):
            assert client.get(asset).status_code == 200, asset
    redoc = client.get("/static-offline-docs/redoc.local.js")
    assert redoc.status_code == 200 and "cdn.redoc.ly" not in redoc.text and "Redoc" in redoc.text


def test_the_chat_page_links_the_api_docs_not_gradios_api(client):
    config = client.get("/ui/config").json()
    assert config["footer_links"] == []  # no "Use via API" link to Gradio's own endpoints
    assert 'href="/docs"' in str(config)


def test_response_examples_document_the_main_routes(client):
    spec = client.get("/openapi.json").json()
    for route, method in [("/v1/ask", "post"), ("/v1/search", "post"), ("/v1/documents", "get")]:
        schema = spec["paths"][route][method]["responses"]["200"]["content"]["application/json"]["schema"]
        name = schema["$ref"].rsplit("/", 1)[1]
        assert spec["components"]["schemas"][name].get("examples"), route
    feedback = spec["paths"]["/v1/feedback"]["post"]["responses"]
    assert feedback["201"] and feedback["422"]


def test_a_reader_key_sees_the_article_view(sample_engine):
    with app_client(sample_engine, api_keys=["reader"]) as guarded:
        assert guarded.get("/ui/articles/001_232c99f60a508717").status_code == 401
        headers = {"Authorization": "Bearer reader"}
        assert guarded.get("/ui/articles/001_232c99f60a508717", headers=headers).status_code == 200
