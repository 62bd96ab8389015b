"""CDXJ indexes (cdxj-indexer) and WACZ packages (py-wacz) of the archive's WARC files.

A WACZ holds the WARC files, ``indexes/index.cdx.gz`` (pywb needs it to import),
``pages/pages.jsonl`` whose timestamps equal the capture times (``wacz create`` drops pages
whose timestamp matches no capture, and ``wacz validate`` passes a WACZ without pages, so
both are checked here), ``datapackage.json`` and ``datapackage-digest.json``.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

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


def _selection(db_path: Path, run_id: int | None) -> tuple[list[str], list[dict]]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        where = "c.run_id = ?" if run_id is not None else "1 = 1"
        args = [run_id] if run_id is not None else []
        files = {r[0] for r in conn.execute(f"SELECT DISTINCT warc_file FROM captures c WHERE {where}", args)}
        # Revisits point at earlier captures: their files travel with the package, or replay breaks.
        files |= {r[0] for r in conn.execute(
            f"SELECT DISTINCT o.warc_file FROM captures c JOIN captures o ON o.id = c.refers_to WHERE {where}", args)}
        pages = [{"url": url, "ts": ts, "title": title} for url, ts, title in conn.execute(
            "SELECT c.url, c.fetched_at, a.title FROM article_captures ac JOIN captures c ON c.id = ac.capture_id "
            f"JOIN articles a ON a.canonical_url = ac.article WHERE {where} AND c.status = 200 ORDER BY c.id", args)]
        pages += [{"url": url, "ts": ts, "title": "ranking source"} for url, ts in conn.execute(
            "SELECT DISTINCT c.url, c.fetched_at FROM rankings r JOIN captures c ON c.id = r.capture_id "
            f"WHERE {where} ORDER BY c.id", args)]
    finally:
        conn.close()
    return sorted(files), pages


def build_wacz(data_dir: Path, output: Path, run_id: int | None = None, title: str = "newsarchive") -> WaczResult:
    warc_dir = data_dir / "warc"
    files, pages = _selection(data_dir / "archive.db", run_id)
    if not files:
        raise PackageError("no captures to package" + (f" for run {run_id}" if run_id is not None else ""))
    if not pages:
        raise PackageError("no pages to list in pages.jsonl (no article or ranking page was captured)")
    for name in files:
        index_warc(warc_dir / name, data_dir / "indexes")
    with tempfile.TemporaryDirectory() as tmp:
        pages_file = Path(tmp) / "pages.jsonl"
        with open(pages_file, "w", encoding="utf-8") as fh:
            fh.write(json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}) + "\n")
            for page in pages:
                fh.write(json.dumps(page, ensure_ascii=False) + "\n")
        output.parent.mkdir(parents=True, exist_ok=True)
        _run([_tool("wacz"), "create", "-o", str(output), "-p", str(pages_file), "--title", title,
              *[str(warc_dir / name) for name in files]])
    _run([_tool("wacz"), "validate", "-f", str(output)])
    listed = check_wacz(output)
    if listed != len(pages):
        raise PackageError(f"{output.name}: {len(pages)} pages given, {listed} listed (wacz dropped some)")
    return WaczResult(output, files, len(pages))


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
