from extract.decode import decode_body

TEXT = "长春汽车经济技术开发区党工委副书记陈定贵介绍，这十年我们狠抓经济运行，实现了防风险、保稳定、促发展的有机统一。"


def test_gbk_without_any_declaration_is_detected():
    body = f"<html><body><p>{TEXT}</p></body></html>".encode("gbk")
    decoded = decode_body(body, "text/html")
    assert decoded.encoding == "gb18030"
    assert TEXT in decoded.text
    assert decoded.source == "detector"
    assert 0 < decoded.confidence <= 1


def test_meta_gb2312_is_read_as_gb18030():
    # 镕 is in GBK but not in GB2312: a page declaring gb2312 still decodes it.
    body = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
            f"<body>{TEXT}朱镕基</body></html>").encode("gbk")
    decoded = decode_body(body, "text/html")
    assert decoded.encoding == "gb18030" and decoded.source == "meta"
    assert "朱镕基" in decoded.text


def test_http_header_wins_and_a_wrong_declaration_falls_back():
    assert decode_body(TEXT.encode("utf-8"), "text/html; charset=utf-8").source == "http-header"
    wrong = decode_body(f"<p>{TEXT}</p>".encode("gbk"), "text/html; charset=utf-8")
    assert TEXT in wrong.text and wrong.encoding == "gb18030"


def test_bom_and_forced_encoding():
    assert decode_body(b"\xef\xbb\xbf" + TEXT.encode(), None).source == "bom"
    assert decode_body(TEXT.encode("gbk"), "text/html; charset=utf-8", forced="gbk").text == TEXT


def test_undecodable_bytes_never_raise():
    decoded = decode_body(bytes(range(256)) * 4, "text/html")
    assert isinstance(decoded.text, str)


def test_undeclared_gbk_with_a_damaged_byte_is_still_chinese():
    body = f"<html><body><p>{TEXT * 4}</p>".encode("gbk") + b"\xc7" + "</body></html>".encode()
    decoded = decode_body(body, "text/html")
    assert decoded.encoding == "gb18030" and TEXT in decoded.text
    assert decoded.text.count("\ufffd") == 1 and decoded.confidence < 1


def test_cyrillic_is_not_read_as_chinese():
    russian = "<html><body><p>" + "Жители города собрались на площади, чтобы отметить праздник урожая. " * 8 + "</p>"
    decoded = decode_body(russian.encode("cp1251"), "text/html")
    assert "Жители города" in decoded.text
