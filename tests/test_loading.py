import json

import pytest

from ingest.loading import LoadError, load_file, load_paths
from ingest.models import Article, InvalidDocumentError, validate_doc_id


def articles(items):
    return [i for i in items if isinstance(i, Article)]


def errors(items):
    return [i for i in items if isinstance(i, LoadError)]


def test_plain_text_title_is_the_first_non_empty_line(tmp_path):
    path = tmp_path / "story-1.txt"
    path.write_text("\n\n  Big headline  \n\nFirst paragraph.\n\nSecond.", encoding="utf-8")
    [article] = articles(load_file(path))
    assert article.id == "story-1"
    assert article.title == "Big headline"
    assert "First paragraph." in article.body and "Big headline" not in article.body


def test_markdown_is_parsed_not_regexed(tmp_path):
    path = tmp_path / "note.md"
    path.write_text(
        "# The *headline*\n\nA paragraph with a [link](http://x.example) and `code`.\n\n"
        "- item one\n- item two\n",
        encoding="utf-8",
    )
    [article] = articles(load_file(path))
    assert article.title == "The headline"
    assert "A paragraph with a link and code." in article.body
    assert "http://x.example" not in article.body and "item two" in article.body


def test_html_goes_through_the_extractor(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        """<html><head><title>Budget passes | Daily</title>
        <meta name="author" content="Jane Doe"><meta property="article:published_time" content="2016-11-01">
        </head><body><nav>Home | World | Sport</nav><script>var tracking = 1;</script>
        <article><h1>Budget passes</h1><p>The council voted 7 to 2 on Tuesday to approve the budget,
        officials said after a long session.</p><p>The mayor welcomed the decision and thanked staff.</p>
        </article><div id="comments"><h3>Leave a Reply</h3><p>first!</p></div>
        <footer>Copyright 2016 Daily</footer></body></html>""",
        encoding="utf-8",
    )
    [article] = articles(load_file(path))
    assert article.title == "Budget passes"
    assert "voted 7 to 2" in article.body and "mayor welcomed" in article.body
    for junk in ("tracking", "Home | World", "first!", "Copyright"):
        assert junk not in article.body
    assert str(article.published) == "2016-11-01"
    assert article.byline == "Jane Doe"


def test_jsonl_bad_lines_fail_alone(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        {"id": "a1", "title": "One", "text": "First story.", "source": "Wire", "published": "2016-02-17"},
        "{not json",
        {"id": "a2", "title": "Two"},
        {"id": "a/3", "title": "Three", "text": "Bad id."},
        {"id": "a4", "title": "Four", "text": "Fourth.", "published": "someday"},
        {"id": "a5", "title": "Five", "text": "Fifth story.", "desk": "politics"},
    ]
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines), encoding="utf-8")
    items = list(load_file(path))
    assert [a.id for a in articles(items)] == ["a1", "a5"]
    assert articles(items)[1].metadata == {"desk": "politics"}
    assert str(articles(items)[0].published) == "2016-02-17"
    messages = [str(e) for e in errors(items)]
    assert len(messages) == 4
    assert messages[0].startswith(f"{path}:2: invalid JSON")
    assert "missing required field 'text'" in messages[1]
    assert "not a valid document id" in messages[2]
    assert "'published' must be a date" in messages[3]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("binary.txt", b"\x00\x01\x02binary", "binary file"),
        ("latin1.txt", "Caf\u00e9 news".encode("latin-1"), "not UTF-8"),
        ("blank.txt", b"   \n\n  ", "only whitespace"),
        ("notes.pdf", b"%PDF-1.4", "unsupported file type"),
    ],
)
def test_broken_files_get_clear_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    [error] = errors(load_file(path))
    assert message in error.message and str(path) in str(error)


def test_oversized_files_are_refused(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("Title\n\n" + "x" * 5000, encoding="utf-8")
    [error] = errors(load_file(path, max_file_bytes=1000))
    assert "over the 1,000-byte limit" in error.message


def test_folders_are_walked_and_missing_paths_reported(tmp_path, sample_dir):
    items = list(load_paths([sample_dir, tmp_path / "nope"]))
    assert len(articles(items)) == 5
    assert [e.message for e in errors(items)] == ["no such file or folder"]


@pytest.mark.parametrize(
    "bad", ["", "../etc/passwd", "a/b", "a\\b", "tab\there", "new\nline", " lead", "x" * 201]
)
def test_unsafe_document_ids_are_refused(bad):
    with pytest.raises(InvalidDocumentError):
        validate_doc_id(bad)
