from extract.normalize import normalise, readings, strip_pinyin
from tests.conftest import FIXTURES


def test_pinyin_after_its_character_is_removed():
    assert strip_pinyin("e起點(diǎn)贊") == "e起點贊"
    # 2nd and 4th tones live in U+00E0-U+00FC (FINDINGS): 濟(jì), 術(shù)
    assert strip_pinyin("經(jīng)濟(jì)技術(shù)") == "經濟技術"


def test_parentheses_that_belong_to_the_text_stay():
    assert normalise("(记者 赵婉姝)") == "(记者 赵婉姝)"
    assert normalise("厦门(Xiamen)") == "厦门(Xiamen)"
    assert normalise("(资料图片)") == "(资料图片)"
    assert normalise("村(社區(qū))") == "村(社区)"


def test_pinyin_note_after_an_unrelated_character_stays():
    # diǎn is not a reading of 好
    assert strip_pinyin("好(diǎn)") == "好(diǎn)"
    assert "diǎn" in readings("點") and "diǎn" not in readings("好")


def test_heteronym_reading_counts():
    assert strip_pinyin("調(diào)研") == "調研"
    assert strip_pinyin("調(tiáo)整") == "調整"


def test_traditional_becomes_simplified_and_whitespace_is_clean():
    assert normalise("長春\u3000汽車\xa0\xa0經濟  ") == "长春 汽车 经济"
    assert normalise("  a\n\n  b  ") == "a\nb"


def test_seed_page_reads_as_the_site_wrote_it():
    seed = (FIXTURES / "seed_mirror.txt").read_text("utf-8")
    text = normalise(seed)
    assert text.splitlines()[0] == "【视频】e起点赞长春这十年|区县领导访谈·汽开区"
    assert "长春汽车经济技术开发区党工委副书记 陈定贵" in text
    for damaged in ("(diǎn)", "(qū)", "點", "區"):
        assert damaged not in text
    # The seed lost two characters here (FINDINGS); what cannot be repaired is kept as it is.
    assert "重?fù)?dān)当" in text
