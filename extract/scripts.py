"""Links that a page writes with JavaScript, read without running it (pure, no browser).

Real portals build much of their navigation in inline scripts (issue 14): TRS WCM writes a list's
pager with ``createPageHTML(count, current, "index", "shtml")``, Hanweb with a pager function of
its own, players are set up with ``new ckplayer({video: '….m3u8'})``, rankings come from
``$.getJSON('/…/hot.json')``. Two readers, both bounded in what they read:

- ``script_literals``: speculative extraction of URL-like string literals, as Heritrix's
  ExtractorJS does (paths, files with a web extension, absolute URLs). The crawl keeps only those
  on the allowed hosts that the profile gives a role, and robots.txt still applies.
- ``pager_links``: the pages a pager function writes. Where the page defines the function, its
  string concatenations are evaluated with the call's arguments bound to its parameters and its
  loop variable run over the loop's bounds (``"_" + i + "." + ext`` → ``index_1.shtml`` …), so a
  pager with a name of its own works; where the definition is in an external file, known CMS
  signatures (``createPageHTML``) are used.
"""

from __future__ import annotations

import re

# Scripts longer than this are libraries, not page set-up: they are not read.
MAX_SCRIPT_CHARS = 200_000
MAX_PAGES = 1_000                     # pages one pager call may write

_STRING = r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*\""""
_TOKEN = re.compile(rf"\s*(?:({_STRING})|([A-Za-z_$][\w$]*)|(\d+)|(\+))")
_LITERAL = re.compile(_STRING)
_URLISH = re.compile(r"""^(?:https?://[^\s'"<>]+|/[^\s'"<>]*|\.{1,2}/[^\s'"<>]*|[\w.-]+/[^\s'"<>]*|\?\w+=[^\s'"<>]*|"""
                      r"""[\w.-]+\.(?:s?html?|jsp|php|aspx?|json|js|m3u8|mp4|flv|ts)(?:\?[^\s'"<>]*)?)$""", re.I)
_FUNCTION = re.compile(r"function\s+([A-Za-z_$][\w$]*)\s*\(([^)]*)\)\s*\{")
_CALL = re.compile(r"(?<![\w$.])([A-Za-z_$][\w$]*)\s*\(([^()]*)\)\s*;?")
_FOR = re.compile(r"for\s*\(\s*(?:var\s+|let\s+)?([A-Za-z_$][\w$]*)\s*=\s*([^;]+);\s*\1\s*(<=?)\s*([^;]+);")
_VAR = re.compile(r"(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(" + _STRING + r"|-?\d+)\s*[;,\n]")
_HREF = re.compile(r"""href\s*=\s*['"]?([^'" >]+)""", re.I)
_KEYWORDS = {"function", "return", "var", "let", "const", "new", "if", "else", "for", "while", "typeof", "this"}


def unquote(literal: str) -> str:
    """A JS string literal's value (its common escapes undone)."""
    body = literal[1:-1]
    if "\\" not in body:
        return body
    return re.sub(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", _unescape, body)


def _unescape(match: re.Match) -> str:
    code = match.group(1)
    if code[0] in "ux" and len(code) > 1:
        return chr(int(code[1:], 16))
    return {"n": "\n", "t": "\t", "r": "\r"}.get(code, code)


def readable(scripts: list[str]) -> list[str]:
    return [s for s in scripts if len(s) <= MAX_SCRIPT_CHARS]


def script_literals(scripts: list[str]) -> list[str]:
    """URL-like string literals of the page's inline scripts, in order, once each."""
    seen, out = set(), []
    for script in readable(scripts):
        for literal in _LITERAL.findall(script):
            value = unquote(literal).strip()
            if 1 < len(value) < 2048 and _URLISH.match(value) and value not in seen:
                seen.add(value)
                out.append(value)
    return out


def _value(text: str, bound: dict[str, str]) -> str | None:
    """A call argument or a loop bound: a literal, a bound name, or a number."""
    text = text.strip()
    if _LITERAL.fullmatch(text):
        return unquote(text)
    if re.fullmatch(r"-?\d+", text):
        return text
    if text in bound:
        return bound[text]
    match = re.fullmatch(r"([A-Za-z_$][\w$]*)\s*([+-])\s*(\d+)", text)
    if match and match.group(1) in bound and bound[match.group(1)].lstrip("-").isdigit():
        number = int(bound[match.group(1)]) + (1 if match.group(2) == "+" else -1) * int(match.group(3))
        return str(number)
    return None


def _chains(body: str):
    """Maximal ``term + term + …`` chains of a function body: lists of (kind, text), kind s(tring),
    n(ame) or d(igits). Anything else (an operator, a bracket, a call) ends a chain."""
    pos, chain, after_plus = 0, [], False
    while pos < len(body):
        match = _TOKEN.match(body, pos)
        if match is None or (match.group(2) and body[match.end():match.end() + 1] in "(.["):
            if len(chain) > 1 and not after_plus:       # ``… + (n + 1)`` goes on past what we read
                yield chain
            chain, after_plus = [], False
            pos = match.end() if match is not None else pos + 1
            continue
        string, name, number, plus = match.groups()
        pos = match.end()
        if plus:
            after_plus = bool(chain)
            continue
        if chain and not after_plus:
            if len(chain) > 1:
                yield chain
            chain = []
        chain.append(("s", unquote(string)) if string else ("n", name) if name else ("d", number))
        after_plus = False
    if len(chain) > 1:
        yield chain


def _function_body(script: str, start: int) -> str:
    depth, pos = 1, start
    while pos < len(script) and depth:
        depth += {"{": 1, "}": -1}.get(script[pos], 0)
        pos += 1
    return script[start:pos - 1]


def _loops(body: str, bound: dict[str, str]) -> dict[str, range]:
    loops = {}
    for var, start, op, limit in _FOR.findall(body):
        first, last = _value(start, bound), _value(limit, bound)
        if first and last and first.lstrip("-").isdigit() and last.lstrip("-").isdigit():
            end = int(last) + (1 if op == "<=" else 0)
            loops[var] = range(int(first), min(end, int(first) + MAX_PAGES))
    return loops


def _expand(chain, bound: dict[str, str], loops: dict[str, range]) -> list[str]:
    """The URLs a concatenation chain makes: bound names filled in, a loop variable run over its loop."""
    loop_var = None
    for kind, text in chain:
        if kind == "n" and text not in bound:
            if text in _KEYWORDS or (loop_var and text != loop_var) or text not in loops:
                return []
            loop_var = text
    values = loops[loop_var] if loop_var else [None]
    out = []
    for i in values:
        made = "".join(text if kind in ("s", "d") else (str(i) if text == loop_var else bound[text])
                       for kind, text in chain)
        href = _HREF.search(made)
        url = href.group(1) if href else made.strip()
        if _URLISH.match(url) and "{" not in url:
            out.append(url)
    return out


# Pagers whose definition is usually in an external file, by their argument order.
KNOWN_PAGERS = ("createPageHTML",)


def _known_pager(args: list[str]) -> list[str]:
    """TRS WCM's ``createPageHTML(count, current, name, ext)``, with a container id before them in some
    versions: ``name.ext`` for the first page, ``name_N.ext`` for the others."""
    numbers = [i for i, a in enumerate(args) if a.lstrip("-").isdigit()]
    if len(numbers) < 2 or numbers[1] + 2 >= len(args) + 1:
        return []
    count, stem, ext = int(args[numbers[0]]), args[numbers[1] + 1], args[numbers[1] + 2]
    if not re.fullmatch(r"[\w.-]+", stem) or not re.fullmatch(r"\w+", ext):
        return []
    return [f"{stem}.{ext}" if i == 0 else f"{stem}_{i}.{ext}" for i in range(min(count, MAX_PAGES))]


def pager_links(scripts: list[str]) -> list[str]:
    """The links the page's pager calls would write, in order (relative as written)."""
    scripts = readable(scripts)
    text = "\n".join(scripts)
    constants = {name: unquote(v) if v[0] in "'\"" else v for name, v in _VAR.findall(text)}
    functions = {m.group(1): ([p.strip() for p in m.group(2).split(",") if p.strip()],
                              _function_body(text, m.end())) for m in _FUNCTION.finditer(text)}
    out: list[str] = []
    for call in _CALL.finditer(text):
        name, raw_args = call.group(1), call.group(2)
        if name in _KEYWORDS or name == "function" or text[max(0, call.start() - 9):call.start()].endswith("function "):
            continue
        args = [_value(a, constants) for a in raw_args.split(",")] if raw_args.strip() else []
        if not args or any(a is None for a in args):
            continue
        if name in KNOWN_PAGERS:
            # their URL scheme is known whatever their body does (a first page without a number)
            out += _known_pager(args)
        elif name in functions:
            params, body = functions[name]
            bound = {**constants, **dict(zip(params, args))}
            loops = _loops(body, bound)
            for var in loops:                  # ``var i = 0`` of the loop itself is not a constant
                bound.pop(var, None)
            for chain in _chains(body):
                out += _expand(chain, bound, loops)
    seen = set()
    return [u for u in out if not (u in seen or seen.add(u))]
