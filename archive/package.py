"""CDXJ indexes (cdxj-indexer) and WACZ packages (py-wacz) of the archive's WARC files.

A WACZ holds the WARC files, ``indexes/index.cdx.gz`` (pywb needs it to import),
``pages/pages.jsonl`` whose timestamps equal the capture times (``wacz create`` drops pages
whose timestamp matches no capture, and ``wacz validate`` passes a WACZ without pages, so
both are checked here), ``datapackage.json`` and ``datapackage-digest.json``.

A damaged WARC file (``archive.damage``) does not stop the package: ``wacz create`` reads whole
files, so a copy of it without the damaged records and their pair partners goes in under the same
name, and what was left out is reported (``WaczResult.left_out``). Captures marked lost are not
listed as pages.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .damage import Dropped, scan
from .lost import has_lost_column
from .repair import copy_members
from .warc import WARC_SUFFIX


class PackageError(Exception):
    """An index or package could not be made, or did not validate."""


def _tool(name: str) -> str:
    """The console script installed next to this Python (cdxj-indexer, wacz)."""
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        raise PackageError(f"{name} is not installed next to {sys.executable}")
    return str(path)


def _run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise PackageError(f"{Path(cmd[0]).name} failed: {(done.stderr or done.stdout).strip()[-800:]}")
    return done.stdout


def index_warc(warc: Path, index_dir: Path) -> Path:
    """A CDXJ index of one WARC file, made again only when the WARC is newer."""
    index_dir.mkdir(parents=True, exist_ok=True)
    out = index_dir / (warc.name[: -len(WARC_SUFFIX)] + ".cdxj")
    if not out.exists() or out.stat().st_mtime < warc.stat().st_mtime:
        tmp = out.with_suffix(".cdxj.tmp")
        # in this process: a cdxj-indexer subprocess was a fifth of a small incremental run's time
        from cdxj_indexer.main import write_cdx_index

        try:
            write_cdx_index(str(tmp), [str(warc)], {})
        except Exception as exc:        # a damaged file: say which, and leave no half index
            tmp.unlink(missing_ok=True)
            raise PackageError(f"cdxj-indexer failed on {warc.name}: {exc}") from exc
        tmp.replace(out)
    return out


@dataclass
class WaczResult:
    path: Path
    warcs: list[str]
    pages: int
    left_out: list[tuple[str, Dropped]] = field(default_factory=list)     # (file, damaged record or partner)


def _selection(db_path: Path, run_id: int | None) -> tuple[list[str], list[tuple[dict, tuple, tuple]]]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        where = "c.run_id = ?" if run_id is not None else "1 = 1"
        args = [run_id] if run_id is not None else []
        if has_lost_column(conn):
            where += " AND c.lost IS NULL"      # their records are gone
        files = {r[0] for r in conn.execute(f"SELECT DISTINCT warc_file FROM captures c WHERE {where}", args)}
        # Revisits point at earlier captures: their files travel with the package, or replay breaks.
        files |= {r[0] for r in conn.execute(
            f"SELECT DISTINCT o.warc_file FROM captures c JOIN captures o ON o.id = c.refers_to WHERE {where}", args)}
        # each page with where its capture is, so that one in a damaged record can be left out, and
        # where its payload is (a revisit's is in the record it refers to), to read its title from
        payload = ("coalesce(o.warc_file, c.warc_file), coalesce(o.warc_offset, c.warc_offset) "
                   "FROM captures c LEFT JOIN captures o ON o.id = c.refers_to")
        pages = [({"url": url, "ts": ts, "title": title}, (file, offset), (pfile, poffset))
                 for url, ts, title, file, offset, pfile, poffset in conn.execute(
                     f"SELECT c.url, c.fetched_at, a.title, c.warc_file, c.warc_offset, {payload} "
                     "JOIN article_captures ac ON c.id = ac.capture_id JOIN articles a ON a.canonical_url = ac.article "
                     f"WHERE {where} AND c.status = 200 ORDER BY c.id", args)]
        pages += [({"url": url, "ts": ts, "title": ""}, (file, offset), (pfile, poffset))
                  for url, ts, file, offset, pfile, poffset in conn.execute(
                      f"SELECT DISTINCT c.url, c.fetched_at, c.warc_file, c.warc_offset, {payload} "
                      f"JOIN rankings r ON c.id = r.capture_id WHERE {where} ORDER BY c.id", args)]
    finally:
        conn.close()
    return sorted(files), pages


def build_wacz(data_dir: Path, output: Path, run_id: int | None = None, title: str = "newsarchive") -> WaczResult:
    warc_dir = data_dir / "warc"
    files, located = _selection(data_dir / "archive.db", run_id)
    if not files:
        raise PackageError("no captures to package" + (f" for run {run_id}" if run_id is not None else ""))
    with tempfile.TemporaryDirectory() as tmp:
        sources, left_out, kept = _clean_copies(warc_dir, files, Path(tmp) / "cleaned")
        # a page whose record is not kept (damaged, or past where a file was cut short) is not listed
        pages = [(page, where) for page, (file, offset), where in located if file not in kept or offset in kept[file]]
        if not pages:
            raise PackageError("no pages to list in pages.jsonl (no article or ranking page was captured)")
        for page, (file, offset) in pages:
            # the title as captured (a mirror page and its original differ), not our cleaned one
            captured = captured_title(warc_dir / file, offset) if file not in kept or offset in kept[file] else None
            page["title"] = captured or page["title"] or page["url"]
        pages = [page for page, _ in pages]
        pages_file = Path(tmp) / "pages.jsonl"
        with open(pages_file, "w", encoding="utf-8") as fh:
            fh.write(json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}) + "\n")
            for page in pages:
                fh.write(json.dumps(page, ensure_ascii=False) + "\n")
        output.parent.mkdir(parents=True, exist_ok=True)
        _run([_tool("wacz"), "create", "-o", str(output), "-p", str(pages_file), "--title", title,
              *[str(source) for source in sources]])
    _run([_tool("wacz"), "validate", "-f", str(output)])
    listed = check_wacz(output)
    if listed != len(pages):
        raise PackageError(f"{output.name}: {len(pages)} pages given, {listed} listed (wacz dropped some)")
    return WaczResult(output, files, len(pages), left_out)


def _clean_copies(warc_dir: Path, files: list[str], tmp: Path) -> tuple[list[Path], list[tuple[str, Dropped]],
                                                                        dict[str, set[int]]]:
    """The files to package: each sound file as it is (indexed beside it), each damaged one as a copy
    without what ``archive.damage`` drops, under its own name (its index would describe the damage);
    what was left out; the offsets of the records kept in each damaged file."""
    sources, left_out, kept = [], [], {}
    for name in files:
        damage = scan(warc_dir / name)
        if not damage.damaged:
            index_warc(warc_dir / name, warc_dir.parent / "indexes")
            sources.append(warc_dir / name)
            continue
        tmp.mkdir(parents=True, exist_ok=True)
        with open(tmp / name, "wb") as out:
            copy_members(warc_dir / name, damage, out)
        sources.append(tmp / name)
        left_out += [(name, dropped) for dropped in damage.dropped]
        kept[name] = {member.start for member in damage.kept}
    return sources, left_out, kept


_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.I | re.S)


def captured_title(warc: Path, offset: int) -> str | None:
    """The ``<title>`` of the page in the response record at ``offset``, decoded as the page is
    (charset from its header, BOM, meta, then detection), whitespace collapsed."""
    from warcio.archiveiterator import ArchiveIterator

    from extract.decode import decode_body

    try:
        with open(warc, "rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)))
            content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
            head = record.content_stream().read(262144)
    except Exception:       # a record warcio cannot read: the page keeps the title we have
        return None
    match = _TITLE.search(decode_body(head, content_type).text)
    if not match:
        return None
    return " ".join(html.unescape(match.group(1)).split())[:300] or None


def _ts14(value: str) -> str:
    return "".join(c for c in value if c.isdigit())[:14]


def check_wacz(path: Path) -> int:
    """What ``wacz validate`` does not check: pages.jsonl is there, lists pages, and every page's
    timestamp is the time of a capture of its URL in the package's own index (14-digit precision,
    as CDX keeps it). Returns the number of pages."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for required in ("pages/pages.jsonl", "indexes/index.cdx.gz", "datapackage.json", "datapackage-digest.json"):
            if required not in names:
                raise PackageError(f"{path.name}: {required} is missing")
        lines = [json.loads(line) for line in z.read("pages/pages.jsonl").decode("utf-8").splitlines() if line]
        index = gzip.decompress(z.read("indexes/index.cdx.gz")).decode("utf-8").splitlines()
    captured = set()
    for line in index:
        _, ts, block = line.split(" ", 2)
        captured.add((json.loads(block)["url"], ts))
    listed = [line for line in lines if "url" in line]
    if not listed:
        raise PackageError(f"{path.name}: pages/pages.jsonl lists no page")
    off = [p for p in listed if (p["url"], _ts14(p["ts"])) not in captured]
    if off:
        raise PackageError(f"{path.name}: {len(off)} pages have a timestamp that matches no capture "
                           f"(first: {off[0]['url']} at {off[0]['ts']})")
    return len(listed)
