"""Golden tests: the seed interview page in four forms, as bytes as served."""

import pytest

from extract import extract_page, load_profile
from tests.conftest import FIXTURES

FORMS = FIXTURES / "seed_forms"
URL = (FORMS / "url.txt").read_text().strip()
MIRROR_URL = URL.replace("http://127.0.0.1:8000/", "http://127.0.0.1:8000/gate/big5/127.0.0.1:8000/")
CASES = {
    "mirror-utf8.html": (MIRROR_URL, "text/html", "utf-8"),
    "simplified-utf8.html": (URL, "text/html", "utf-8"),
    "simplified-gb2312-meta.html": (URL, "text/html", "gb18030"),
    "simplified-gbk-undeclared.html": (URL, "text/html", "gb18030"),
}


@pytest.fixture(scope="module")
def records():
    profile = load_profile("replica", "http://127.0.0.1:8000/")
    return {name: extract_page(url, ctype, (FORMS / name).read_bytes(), profile)
            for name, (url, ctype, _) in CASES.items()}


@pytest.mark.parametrize("name", CASES)
def test_seed_form(records, name):
    record = records[name]
    assert record.encoding == CASES[name][2]
    assert record.canonical_url == URL
    assert record.kind == "interview"
    assert record.title == "【视频】e起点赞长春这十年|区县领导访谈·汽开区"
    assert (record.media, record.series, record.subtitle) == ("video", "e起点赞长春这十年", "区县领导访谈·汽开区")
    assert record.published_at == "2022-09-29T09:30:00+08:00"
    assert record.interview["interviewees"] == [{"name": "陈定贵", "position": "长春汽车经济技术开发区党工委副书记"}]
    qa = record.interview["qa"]
    assert len(qa) == 4
    assert qa[3]["question"] == "四、新征程上,汽开区将如何走好新时代的赶考之路,推动长春实现振兴发展全面突破?"
    assert qa[3]["answer"].endswith("不断续写“风景这边独好”的崭新篇章。")
    ranking = record.ranking
    assert [e["rank"] for e in ranking] == list(range(1, 11))
    same = [e for e in ranking if e["title"] == "【视频】e起点赞长春这十年|区县领导访…"]
    assert [e["rank"] for e in same] == [2, 5, 7, 8, 10]
    assert len({e["url"] for e in same}) == 5
    assert ranking[0]["title"] == "10月7日长春市新增新冠病毒阳性感染者…" and ranking[0]["truncated"]
    assert ranking[8]["title"] == "长春市首批!净月高新区村(社区)便民服…"


def test_all_forms_agree(records):
    docs = [records[name].to_json() for name in CASES]
    for doc in docs:
        for key in ("url", "title_raw", "text_raw", "encoding", "encoding_confidence"):
            doc.pop(key)
    assert all(doc == docs[1] for doc in docs)
