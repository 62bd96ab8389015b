"""The README's settings section, generated from ``crawler/settings.py``: each setting's name, its
default as written there and the comment above it (or on its line), so that the documentation
cannot drift from the settings the crawl reads. A setting without a comment is an error here.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

START, END = "<!-- settings:start -->", "<!-- settings:end -->"
OURS = ("ARCHIVE_", "WARC_")
SECTION_TITLE = "# --"
# A default longer than this (a dict of components) is left to the file itself.
_SHOWN = 60


@dataclass(frozen=True)
class Setting:
    name: str
    default: str            # the expression as written in crawler/settings.py
    comment: str            # "" when there is none


def settings_path() -> Path:
    return Path(find_spec("crawler.settings").origin)


def declared_settings(path: Path | None = None) -> list[Setting]:
    """Every module-level ``NAME = value`` of the settings file, in order."""
    source = (path or settings_path()).read_text("utf-8")
    lines = source.splitlines()
    comments = {tok.start[0]: tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                if tok.type == tokenize.COMMENT}
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id.isupper():
            default = " ".join(ast.get_source_segment(source, node.value).split())
            found.append(Setting(node.targets[0].id, default, _comment(node.lineno, comments, lines)))
    return found


def _comment(line: int, comments: dict[int, str], lines: list[str]) -> str:
    """The comment lines right above ``line`` (up to a blank line or a section title), then the
    comment at the end of ``line`` itself."""
    above = []
    n = line - 1
    while n in comments and lines[n - 1].lstrip().startswith("#") and not comments[n].startswith(SECTION_TITLE):
        above.insert(0, comments[n])
        n -= 1
    if line in comments:
        above.append(comments[line])
    return " ".join(c.lstrip("#").strip() for c in above)


def _row(setting: Setting) -> str:
    default = f"`{setting.default}`" if len(setting.default) <= _SHOWN else "see `crawler/settings.py`"
    # a comment's "<meta …>" is text, not a tag, in Markdown
    comment = setting.comment.replace("|", "\\|").replace("<", "&lt;")
    return f"| `{setting.name}` | {default} | {comment} |"


def settings_markdown() -> str:
    settings = declared_settings()
    missing = [s.name for s in settings if not s.comment]
    if missing:
        raise ValueError(f"settings without a comment in {settings_path().name}: {', '.join(missing)}")
    ours = [s for s in settings if s.name.startswith(OURS)]
    scrapy = [s for s in settings if not s.name.startswith(OURS)]
    header = "| setting | default | what it is |\n| --- | --- | --- |"
    return "\n".join([
        "Ours (`--set NAME=VALUE`, or `-s NAME=VALUE` with `scrapy crawl`):\n", header, *map(_row, ours), "",
        "Scrapy's (and scrapy-redis's), as set here:\n", header, *map(_row, scrapy)]) + "\n"


def readme_section() -> str:
    return f"{START}\n{settings_markdown()}{END}"
