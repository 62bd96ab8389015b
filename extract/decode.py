"""Turn the bytes a server sent into text, and say how sure we are.

Order of trust (issue 3): the HTTP ``Content-Type`` charset, then a BOM, then a
``<meta>`` declaration, then a statistical detector for pages that declare
nothing or declare it wrongly. GB2312 and GBK are read as GB18030, their
superset, so that a page declaring ``gb2312`` but using GBK-only characters is
not garbled.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

# WHATWG-style widening: declared legacy Chinese charsets are decoded with their superset.
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
          "big5": "big5hkscs", "ascii": "utf-8", "us-ascii": "utf-8", "iso-8859-1": "cp1252",
          "latin-1": "cp1252", "latin1": "cp1252"}


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str          # codec actually used to decode
    confidence: float      # 1.0 for a declaration that decoded cleanly, else the detector's
    source: str            # "http-header" | "bom" | "meta" | "detector" | "fallback"


def _canonical(name: str | None) -> str | None:
    if not name:
        return None
    try:
        norm = codecs.lookup(name).name
    except LookupError:
        return None
    # codecs.lookup("gb2312").name == "gb2312": widen after normalising the alias.
    return _WIDEN.get(norm, _WIDEN.get(name.lower(), norm))


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_body(body: bytes, content_type: str | None = None, *, forced: str | None = None) -> DecodedText:
    """Decode an HTML/XML body. Never raises; never garbles silently.

    ``forced`` (the CLI's ``--encoding``) wins over everything when it decodes cleanly.
    """
    if forced:
        enc = _canonical(forced)
        if enc:
            text = _strict(body, enc)
            if text is not None:
                return DecodedText(text, enc, 1.0, "forced")

    bom_enc, bom = read_bom(body)
    if bom_enc:
        enc = _canonical(bom_enc) or "utf-8"
        text = _strict(body[len(bom):], enc)
        if text is not None:
            return DecodedText(text, enc, 1.0, "bom")

    for source, declared in (("http-header", http_content_type_encoding(content_type or "")),
                             ("meta", html_body_declared_encoding(body))):
        enc = _canonical(declared)
        if enc:
            text = _strict(body, enc)
            if text is not None:
                return DecodedText(text, enc, 1.0, source)
            # declared, but the bytes disagree: fall through to detection

    # Valid UTF-8 with non-ASCII bytes is overwhelmingly likely to be UTF-8.
    text = _strict(body, "utf-8")
    if text is not None:
        return DecodedText(text, "utf-8", 0.99 if not body.isascii() else 1.0, "detector")

    best = from_bytes(body[:65536], cp_isolation=None).best()
    if best is not None:
        enc = _canonical(best.encoding) or best.encoding
        confidence = round(max(0.0, 1.0 - best.chaos), 3)
        return DecodedText(body.decode(enc, errors="replace"), enc, confidence, "detector")

    # Nothing fits: keep every byte visible rather than guess (U+FFFD marks the damage).
    return DecodedText(body.decode("utf-8", errors="replace"), "utf-8", 0.0, "fallback")
