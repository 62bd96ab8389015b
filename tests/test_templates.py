"""Extraction on pages in other CMS styles (fixtures we wrote), field by field, negatives included."""

import json

import pytest

from extract import extract_page
from tests.conftest import FIXTURES

TEMPLATES = FIXTURES / "templates"
NAMES = sorted(p.stem for p in TEMPLATES.glob("*.html"))
FIELDS = ["kind", "title", "media", "series", "subtitle", "published_at", "source", "author", "editor", "text",
          "interview", "ranking"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("field", FIELDS)
def test_template_field(name, field):
    truth = json.loads((TEMPLATES / f"{name}.json").read_text("utf-8"))
    record = extract_page(truth["url"], truth["content_type"], (TEMPLATES / f"{name}.html").read_bytes())
    assert record.to_json()[field] == truth[field]


def test_no_page_is_garbled():
    for name in NAMES:
        truth = json.loads((TEMPLATES / f"{name}.json").read_text("utf-8"))
        record = extract_page(truth["url"], truth["content_type"], (TEMPLATES / f"{name}.html").read_bytes())
        assert "\ufffd" not in record.text + (record.title or "")
