"""Lists a page keeps in data, not in links: XML data islands and the list APIs behind them.

Hanweb (大汉 JCMS) puts a list's first records in the page as CDATA inside
``<script type="text/xml"><datastore><recordset><record>…`` and asks a data proxy for the rest
(``/module/web/jpage/dataproxy.jsp``: ``startrecord``, ``endrecord``, ``perpage`` in the query, the
column's fields in a POST body), configured by a script object with ``proxyUrl``, ``perPage``,
``totalRecord`` and the fields (issue 14). Read without a browser:

- ``datastore_links``: the links of every record of the page's data islands (and of a proxy's
  answer, which is the same XML);
- ``list_requests``: the requests a list's script would make for its other records, from a
  script object that names a proxy URL, a page size and a total, or from the profile's
  ``[[list_api]]`` description for a CMS no recogniser knows.

Pure: the crawl makes the requests (archived as ordinary request/response pairs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin

from .scripts import _STRING, readable, unquote

_RECORD = re.compile(r"<record[^>]*>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.S | re.I)
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_PAIR = re.compile(rf"""["']?([A-Za-z_$][\w$]*)["']?\s*:\s*({_STRING}|-?\d+(?:\.\d+)?|true|false)""")
_PROXY_KEYS = ("proxyUrl", "proxyurl", "dataProxy", "proxy", "dataUrl", "url")
_PER_PAGE_KEYS = ("perPage", "perpage", "pageSize", "pagesize", "rows")
_TOTAL_KEYS = ("totalRecord", "totalrecord", "totalRecords", "recordCount", "total")
_GROUP_KEYS = ("groupSize", "groupsize")
_FIELDS_KEYS = ("params", "ajaxParam", "ajaxParams", "data", "param")
MAX_REQUESTS = 500                    # requests one list may ask for


@dataclass(frozen=True)
class ListRequest:
    url: str                          # absolute, with its query
    method: str = "GET"
    form: dict[str, str] = field(default_factory=dict)    # a POST's body fields

    def to_json(self) -> dict:
        return {"url": self.url, "method": self.method, "form": dict(self.form)}


def datastore_links(text: str) -> list[str]:
    """The hrefs of the records of data islands (``<record>`` elements, CDATA or not) in ``text``."""
    links = []
    for cdata, plain in _RECORD.findall(text):
        for quoted, single, bare in _HREF.findall(cdata or plain):
            links.append((quoted or single or bare).strip())
    return links


def _object_after(script: str, start: int) -> str:
    """The ``{…}`` literal that encloses ``start`` (the object a key belongs to)."""
    depth, pos = 0, start
    while pos > 0:
        pos -= 1
        if script[pos] == "}":
            depth += 1
        elif script[pos] == "{":
            if depth == 0:
                break
            depth -= 1
    end, depth = pos, 0
    while end < len(script):
        depth += {"{": 1, "}": -1}.get(script[end], 0)
        end += 1
        if depth == 0:
            break
    return script[pos:end]


def _pairs(literal: str) -> dict[str, str]:
    return {k: (unquote(v) if v[0] in "'\"" else v) for k, v in _PAIR.findall(literal)}


def _first(pairs: dict[str, str], keys) -> str | None:
    return next((pairs[k] for k in keys if k in pairs), None)


def _fields(literal: str) -> dict[str, str]:
    """The form fields: the nested object under a params-like key."""
    for key in _FIELDS_KEYS:
        match = re.search(rf"""["']?{key}["']?\s*:\s*\{{""", literal)
        if match:
            inner = _object_after(literal, match.end())
            return _pairs(inner)
    return {}


def jpage_requests(scripts: list[str], page_url: str) -> list[ListRequest]:
    """Requests for the records a datastore list does not carry: from a script object naming a
    proxy URL, a page size and a total (Hanweb's jpage), for the records after those on the page."""
    out = []
    text = "\n".join(readable(scripts))
    on_page = len(_RECORD.findall(text))
    total_in_xml = _TOTAL.search(text)
    for key in _PROXY_KEYS:
        for match in re.finditer(rf"""["']?{key}["']?\s*:\s*({_STRING})""", text):
            literal = _object_after(text, match.start())
            pairs = _pairs(literal)
            proxy, per_page = unquote(match.group(1)), _first(pairs, _PER_PAGE_KEYS)
            total = _first(pairs, _TOTAL_KEYS) or (total_in_xml.group(1) if total_in_xml else None)
            if not proxy or not (per_page or "").isdigit() or not (total or "").isdigit() or int(per_page) <= 0:
                continue
            group = _first(pairs, _GROUP_KEYS) or "1"
            step = int(per_page) * (int(group) if group.isdigit() and int(group) > 0 else 1)
            form = _fields(literal)
            endpoint = urljoin(page_url, proxy)
            for start in range(on_page + 1, int(total) + 1, step):
                end = min(start + step - 1, int(total))
                query = urlencode({"startrecord": start, "endrecord": end, "perpage": per_page})
                out.append(ListRequest(f"{endpoint}{'&' if '?' in endpoint else '?'}{query}", "POST", form))
                if len(out) >= MAX_REQUESTS:
                    return out
        if out:
            return out
    return out


def script_value(scripts: list[str], name: str) -> str | None:
    """The value a page's scripts give ``name`` (``name: 'v'``, ``name = "v"``, ``"name": 5``)."""
    match = re.search(rf"""["']?\b{re.escape(name)}\b["']?\s*[:=]\s*({_STRING}|-?\d+)""", "\n".join(readable(scripts)))
    if match is None:
        return None
    value = match.group(1)
    return unquote(value) if value[0] in "'\"" else value


def _fill(template: str, values: dict[str, str], scripts: list[str]) -> str:
    """A profile template: ``{start}``, ``{end}``, ``{page}``, ``{per_page}``, and ``{js:NAME}``, the value
    the page's scripts give NAME."""
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("js:"):
            return script_value(scripts, name[3:]) or ""
        return values.get(name, match.group(0))
    return re.sub(r"\{([\w:$]+)\}", one, template)


def described_requests(api: dict, scripts: list[str], page_url: str) -> list[ListRequest]:
    """The requests a profile's ``[[list_api]]`` describes for this page (extract.profile_schema)."""
    text = "\n".join(readable(scripts))
    per_page = int(api.get("per_page", 20))
    total_name = api.get("total", "totalRecord")
    total = script_value(scripts, total_name)
    if total is None:
        tag = re.search(rf"<{re.escape(total_name)}>\s*(\d+)\s*</{re.escape(total_name)}>", text, re.I)
        total = tag.group(1) if tag else None
    if not (total or "").isdigit() or per_page <= 0:
        return []
    first = int(api.get("first", len(_RECORD.findall(text)) + 1))
    out = []
    for number, start in enumerate(range(first, int(total) + 1, per_page), 1):
        values = {"start": str(start), "end": str(min(start + per_page - 1, int(total))), "per_page": str(per_page),
                  "page": str((start - 1) // per_page + 1), "n": str(number)}
        query = {k: _fill(str(v), values, scripts) for k, v in (api.get("query") or {}).items()}
        url = urljoin(page_url, _fill(api["url"], values, scripts))
        if query:
            url += ("&" if "?" in url else "?") + urlencode(query)
        form = {k: _fill(str(v), values, scripts) for k, v in (api.get("form") or {}).items()}
        out.append(ListRequest(url, api.get("method", "GET").upper(), form))
        if len(out) >= MAX_REQUESTS:
            break
    return out
