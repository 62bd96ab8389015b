"""Settings are declared once: every setting the code reads is in crawler/settings.py with a comment,
every one of ours is read, the README's settings section is generated from that file, and names in
help texts and the README are real settings (issue 13)."""

import ast
import re
import tokenize
import warnings

import pytest
from scrapy.exceptions import ScrapyDeprecationWarning

from crawler.runner import crawl_settings, start_log_file
from crawler.useragent import ContactUserAgent
from newsarchive.settings_doc import OURS, declared_settings, readme_section
from tests.conftest import ROOT

SOURCES = sorted(p for folder in ("crawler", "newsarchive") for p in (ROOT / folder).rglob("*.py"))
GETTERS = {"get", "getint", "getfloat", "getbool", "getlist", "getdict", "getwithbase", "getpriority"}
SETTING_NAME = re.compile(r"^[A-Z][A-Z0-9_]+$")
# A name of ours mentioned in prose: help texts, comments, docstrings, the README.
MENTIONED = re.compile(r"\b(?:%s)[A-Z][A-Z0-9_]*\b" % "|".join(OURS))


def _reads(subscripts: bool) -> dict[str, set[str]]:
    """Setting name -> files that read it: ``x.get*("NAME")`` calls, and ``x["NAME"]`` with ``subscripts``."""
    found: dict[str, set[str]] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            key = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in GETTERS \
                    and node.args and isinstance(node.args[0], ast.Constant) \
                    and not ast.unparse(node.func.value).endswith("environ"):      # a variable, not a setting
                key = node.args[0].value
            elif subscripts and isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                key = node.slice.value
            if isinstance(key, str) and SETTING_NAME.match(key):
                found.setdefault(key, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_setting_the_code_reads_is_declared_with_a_comment():
    declared = {s.name: s for s in declared_settings()}
    reads = _reads(subscripts=False)
    assert {"ARCHIVE_HOST_MAX_RATE", "ARCHIVE_LEASE_TIMEOUT", "ARCHIVE_ROBOTS_WAIT", "ARCHIVE_LOG_KEEP"} <= set(reads)
    undeclared = {name: files for name, files in reads.items() if name not in declared}
    assert not undeclared, "declare these in crawler/settings.py, with a comment"
    assert [s.name for s in declared.values() if not s.comment] == []


def test_every_setting_of_ours_is_read_somewhere():
    reads = _reads(subscripts=True)
    ours = [s.name for s in declared_settings() if s.name.startswith(OURS)]
    assert [name for name in ours if name not in reads] == [], "declared but read by nothing"


def test_setting_names_in_help_comments_and_readme_are_declared():
    declared = {s.name for s in declared_settings()}
    prose = [("README.md", (ROOT / "README.md").read_text("utf-8"))]
    for path in SOURCES:
        with open(path, "rb") as fh:
            tokens = tokenize.tokenize(fh.readline)
            prose += [(path.name, t.string) for t in tokens if t.type in (tokenize.STRING, tokenize.COMMENT)]
    unknown = {(where, name) for where, text in prose for name in MENTIONED.findall(text) if name not in declared}
    assert unknown == set()


def test_readme_settings_section_is_generated_from_crawler_settings():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert readme_section() in readme, "run: newsarchive schema --readme README.md"
    for name in ("ARCHIVE_HOST_MAX_RATE", "ARCHIVE_LEASE_TIMEOUT", "ARCHIVE_ROBOTS_WAIT", "ARCHIVE_LOG_KEEP",
                 "ARCHIVE_CONTACT", "WARC_MAX_SIZE"):
        assert f"| `{name}` |" in readme_section()


def _apply_addon(overrides: dict):
    settings = crawl_settings("data", overrides)
    ContactUserAgent().update_settings(settings)
    return settings


def test_the_user_agent_names_archive_contact_however_it_is_set():
    assert _apply_addon({})["USER_AGENT"].endswith("(web archiving; +https://github.com/newsarchive/newsarchive)")
    assert _apply_addon({"ARCHIVE_CONTACT": "mailto:ops@example.org"})["USER_AGENT"].endswith(
        "(web archiving; +mailto:ops@example.org)")
    mine = {"ARCHIVE_CONTACT": "mailto:ops@example.org", "USER_AGENT": "mine/1"}
    assert _apply_addon(mine)["USER_AGENT"] == "mine/1"       # an explicit User-Agent wins


def test_the_old_contact_setting_still_works_with_a_deprecation_warning():
    with pytest.warns(ScrapyDeprecationWarning, match="NEWSARCHIVE_CONTACT is deprecated; use ARCHIVE_CONTACT"):
        settings = _apply_addon({"NEWSARCHIVE_CONTACT": "mailto:old@example.org"})
    assert settings["ARCHIVE_CONTACT"] == "mailto:old@example.org"
    assert settings["USER_AGENT"].endswith("+mailto:old@example.org)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _apply_addon({"ARCHIVE_CONTACT": "mailto:new@example.org"})       # the new name alone: no warning


def test_archive_log_keep_is_how_many_crawl_logs_are_left(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    for n in range(5):
        (logs / f"crawl-2026010{n}T000000000000Z.log").write_text("")
    new = start_log_file(tmp_path, {"ARCHIVE_LOG_KEEP": "3"})
    new.write_text("")
    assert sorted(p.name for p in logs.iterdir()) == ["crawl-20260103T000000000000Z.log",
                                                      "crawl-20260104T000000000000Z.log", new.name]
