"""Extraction on pages in other CMS styles (fixtures we wrote), field by field, negatives included."""

import json

import pytest

from extract import extract_page
from tests.conftest import FIXTURES

TEMPLATES = FIXTURES / "templates"
NAMES = sorted(p.stem for p in TEMPLATES.glob("*.html"))
FIELDS = ["kind", "title", "media", "series", "subtitle", "published_at", "source", "author", "editor", "text",
          "interview", "ranking", "script"]


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


def test_profile_selectors_override_the_generic_rules(tmp_path):
    from extract import load_profile

    page = ("<html><body><div class='t'>站点名</div><span class='headline'>真正的标题</span>"
            "<div class='x1'><p>" + "正文内容在一个不常见的容器里。" * 5 + "</p></div>"
            "<div class='content'><p>" + "这是侧栏里的推广文字，不是正文。" * 8 + "</p></div>"
            "<div class='box9'><b>阅读榜</b><ul><li><a href='/a'>第一</a></li><li><a href='/b'>第二</a></li></ul></div>"
            "</body></html>").encode()
    profile_file = tmp_path / "site.toml"
    profile_file.write_text('start_urls = ["{base}"]\n[urls]\narticle = [".*"]\n'
                            '[selectors]\ntitle = ".headline"\nbody = ".x1"\nranking = ".box9 ul"\n', "utf-8")
    profile = load_profile(str(profile_file), "http://h.example/")
    generic = extract_page("http://h.example/a.htm", "text/html", page)
    tuned = extract_page("http://h.example/a.htm", "text/html", page, profile)
    assert generic.ranking == [] and "推广" in generic.text
    assert tuned.title == "真正的标题"
    assert tuned.text.startswith("正文内容") and "推广" not in tuned.text
    assert [e["title"] for e in tuned.ranking] == ["第一", "第二"]
