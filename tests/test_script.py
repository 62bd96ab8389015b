"""Script as the site wrote it (issue 15): traditional pages stay traditional, converted mirrors are converted back."""

from extract import extract_page, load_profile
from extract.script import HANS, HANT, Aligned, detect_script, page_script

TRADITIONAL = "港鐵公司昨日表示，東涌線延線工程進展順利，預計明年第四季通車。"
SIMPLIFIED = "港铁公司昨日表示，东涌线延线工程进展顺利，预计明年第四季通车。"


def test_the_script_of_a_text():
    assert detect_script(TRADITIONAL) == HANT
    assert detect_script(SIMPLIFIED) == HANS
    # a traditional name quoted in simplified text does not make it traditional
    assert detect_script(SIMPLIFIED * 3 + "（來源：明報）") == HANS
    assert detect_script("<p>no Chinese here</p>") is None


def test_only_a_mirror_or_a_machine_conversion_is_converted():
    assert page_script(TRADITIONAL) == page_script(TRADITIONAL, mirror=False)
    kept = page_script(TRADITIONAL)
    assert (kept.simplify, kept.tag) == (False, HANT) and kept.store(TRADITIONAL) == TRADITIONAL
    mirror = page_script(TRADITIONAL, mirror=True)
    assert (mirror.simplify, mirror.tag) == (True, HANS) and mirror.store(TRADITIONAL) == SIMPLIFIED
    # a reading note after its character is a machine conversion's mark
    machine = page_script("長春：金秋時節稻(dào)穀飄香，連日來雙陽區的稻田裡(lǐ)一片金黃。")
    assert (machine.simplify, machine.tag) == (True, HANS)
    assert machine.store("稻田裡(lǐ)一片金黃") == "稻田里一片金黄"
    # on simplified text a note is the site's own ("厦门(Xiamen)", a textbook's 长(zhǎng)): kept
    written = page_script("小朋友长(zhǎng)大了，" + SIMPLIFIED)
    assert (written.simplify, written.tag) == (False, HANS)
    assert written.store("长(zhǎng)大") == "长(zhǎng)大"


def test_what_a_rule_finds_in_the_simplified_copy_is_cut_from_the_stored_text():
    line = Aligned("記者：經費從哪裡來？")
    assert line.analysed == "记者：经费从哪里来？"
    assert line.cut(3) == "經費從哪裡來？"


def _page(body: str, title: str = "港鐵東涌線延線工程明年通車", charset: str = "utf-8") -> bytes:
    return (f"<html><head><meta charset='{charset}'><title>{title}</title></head><body><h1>{title}</h1>"
            f"{body}</body></html>").encode(charset)


def test_a_page_the_site_writes_in_traditional_is_stored_as_written():
    page = _page("<div class='info'>2022年12月20日 來源︰示例日報 編輯：黃美玲</div>"
                 f"<div class='content'><p>{TRADITIONAL}</p><p>{TRADITIONAL}</p></div>"
                 "<div class='side'><h3>熱門排行</h3><ul><li><a href='/1.html'>啟德體育園明年落成</a></li>"
                 "<li><a href='/2.html'>機場第三跑道啟用</a></li></ul></div>")
    record = extract_page("http://news.example.hk/a/1.html", "text/html", page)
    assert record.script == HANT
    assert record.title == "港鐵東涌線延線工程明年通車"
    assert record.text == TRADITIONAL + "\n" + TRADITIONAL
    # Big5's vertical colon ︰ is a label's colon too
    assert (record.source, record.editor) == ("示例日報", "黃美玲")
    assert [e["title"] for e in record.ranking] == ["啟德體育園明年落成", "機場第三跑道啟用"]


def test_a_simplified_page_says_so():
    record = extract_page("http://www.example.cn/a/1.html", "text/html",
                          _page(f"<div class='content'><p>{SIMPLIFIED}</p></div>", title="港铁东涌线延线工程明年通车"))
    assert record.script == HANS and record.text == SIMPLIFIED


def test_a_mirror_page_is_converted_back_and_keeps_its_source():
    profile = load_profile("replica", "http://127.0.0.1:8000/")
    url = "http://127.0.0.1:8000/gate/big5/127.0.0.1:8000/2022-10/15/content_1.htm"
    page = _page("<div class='info'>2022年10月15日 來(lái)源(yuán)︰長(cháng)春日報</div>"
                 f"<div class='content'><p>{TRADITIONAL}</p><p>{TRADITIONAL}</p></div>", title="長春日報消息")
    record = extract_page(url, "text/html", page, profile)
    assert record.is_mirror and record.script == HANS
    assert record.text.startswith(SIMPLIFIED) and record.title == "长春日报消息"
    assert record.source == "长春日报"
