"""Pages libxml2 gives up on, and pages too big to read whole (issue 12): what extraction reads,
and the sentence in ``problems`` when it cannot read all. Cost is measured by
bench/extract_limits.py, never here; these tests check the properties that keep it linear."""

from hypothesis import given, settings
from hypothesis import strategies as st

from extract import extract_page, load_profile
from extract.normalize import clean_many, clean_whitespace, normalise, normalise_many
from replica.big_pages import MB, SENTENCE, article_page

URL = "http://127.0.0.1:8000/2022-10/09/content_1.htm"
PROFILE = load_profile("replica", "http://127.0.0.1:8000/")


def _extract(body: bytes, content_type: str | None = "text/html", url: str = URL):
    return extract_page(url, content_type, body, PROFILE)


def test_an_interview_with_long_answers_keeps_every_paragraph():
    body = article_page("interview", 1 * MB)
    record = _extract(body)
    assert record.kind == "interview"
    first, second = record.interview["qa"]
    assert first["answer"].startswith("进展顺利。\n" + SENTENCE + "第4段。")
    assert first["answer"].count("\n") == record.text.count("\n") - 3 and second["answer"] == "继续推进。"


LINES = st.lists(st.text(alphabet=st.sampled_from(list("a中點擊 \t\n\r\u3000\xa0\u200b\x0b\x1c\u2028\ufeff(diǎn)")),
                         max_size=12), max_size=6)


@settings(max_examples=300, deadline=None)
@given(texts=LINES)
def test_paragraphs_normalised_together_are_normalised_as_one_by_one(texts):
    assert normalise_many(texts) == [normalise(t) for t in texts]
    assert clean_many(texts) == [clean_whitespace(t) for t in texts]
