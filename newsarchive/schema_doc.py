"""The README's schema section, generated from a freshly migrated archive, the declared article
columns (``archive/columns.py``) and the datasette metadata's descriptions, so the documentation
cannot drift from the real schema."""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path

import yaml

from archive.columns import column_notes
from archive.store import open_archive

START, END = "<!-- schema:start -->", "<!-- schema:end -->"
_INTERNAL = ("_sqlite_migrations",)


def schema_markdown() -> str:
    meta = yaml.safe_load(resources.files("newsarchive").joinpath("metadata.yml").read_text("utf-8"))
    docs = meta["databases"]["archive"]["tables"]
    declared = column_notes()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_archive(Path(tmp) / "schema.db")
        lines = []
        for table in db.tables:
            if table.name in _INTERNAL or table.name.endswith(("_data", "_idx", "_docsize", "_config", "_content")):
                continue
            info = docs.get(table.name, {})
            virtual = "VIRTUAL TABLE" in (table.schema or "")
            lines.append(f"### `{table.name}`\n")
            if info.get("description"):
                lines.append(info["description"] + "\n")
            if virtual:
                lines.append("FTS5 index (bigram tokens, see `archive/search.py`); rowid = the source row's rowid.\n")
            lines.append("| column | type | notes |\n| --- | --- | --- |")
            pks = set(table.pks) if not virtual else set()
            fks = {fk.column: f"→ `{fk.other_table}.{fk.other_column}`" for fk in table.foreign_keys}
            column_docs = {**info.get("columns", {}), **declared.get(table.name, {})}
            for column in table.columns:
                notes = "; ".join(filter(None, ["primary key" if column.name in pks else "", fks.get(column.name, ""),
                                               column_docs.get(column.name, "")]))
                lines.append(f"| `{column.name}` | {column.type or 'TEXT'} | {notes} |")
            lines.append("")
        db.close()
    return "\n".join(lines).rstrip() + "\n"


def readme_section() -> str:
    return f"{START}\n{schema_markdown()}{END}"


PROFILE_START, PROFILE_END = "<!-- profile:start -->", "<!-- profile:end -->"


def profile_section() -> str:
    """The README's profile reference, from the profile schema (extract.profile_schema)."""
    from extract.profile_schema import reference_markdown

    return f"{PROFILE_START}\n{reference_markdown()}{PROFILE_END}"


def rewrite_readme(text: str) -> str:
    """``text`` (a README) with its generated sections made again: the schema, the settings and the
    profile reference."""
    from . import settings_doc

    for start, end, section in ((START, END, readme_section), (settings_doc.START, settings_doc.END,
                                                                settings_doc.readme_section),
                                (PROFILE_START, PROFILE_END, profile_section)):
        if start not in text or end not in text:
            raise ValueError(f"no {start} … {end} section")
        head, rest = text.split(start, 1)
        text = head + section() + rest.split(end, 1)[1]
    return text
