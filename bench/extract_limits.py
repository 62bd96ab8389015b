"""Extraction cost against page size: CPU ms and peak RSS per page shape and size, each in a fresh process.

    .venv/bin/python bench/extract_limits.py [--shapes padded links …] [--sizes 0.5 1 2 4 8 15]
                                             [--compare REV] [--timeout 120]

The pages are ``replica/big_pages.py``'s shapes (an article padded with markup on one line, many
paragraphs, a huge table, lists of dated links, deep nesting, one huge text node, an interview,
a page whose body only the generic fallback finds). Each (shape, size) is extracted by
``extract_page`` in a subprocess of its own, after a small page of the same shape (lazy imports
are not timed), so its peak RSS (``getrusage`` ``ru_maxrss``: imports and the page's bytes
included) is its own. Time is the child's CPU time (user + system) of the one ``extract_page``
call, which holds up on a shared machine better than wall time.

``--compare REV`` extracts the same pages with the ``extract`` package of an older commit as
well (``git archive REV`` into a temporary directory), side by side in the same run.
Linearity shows as a ratio per shape: ms at the largest size ÷ (size × ms at 1 MB); 1.0 is linear.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from replica.big_pages import MB, SHAPES  # noqa: E402

URL = "http://127.0.0.1:8000/2022-10/09/content_1.htm"
# Run in the child: the ``extract`` package of TREE, the page read from a file, one extraction.
CHILD = """
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from extract import extract_page, load_profile
body = open(sys.argv[2], "rb").read()
profile = load_profile("replica", "http://127.0.0.1:8000/")
extract_page(sys.argv[3], "text/html", open(sys.argv[4], "rb").read(), profile)   # lazy imports, caches
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
start = cpu()
record = extract_page(sys.argv[3], "text/html", body, profile)
ms = 1000 * (cpu() - start)
print(json.dumps({"ms": ms, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "text": len(record.text), "problems": getattr(record, "problems", None)}))
"""


def write_page(shape: str, size: int, path: Path) -> None:
    """The page, written by a process of its own: a child's ru_maxrss starts from its parent's
    peak (Linux carries it across fork and exec), so this process stays small."""
    subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                    "from replica.big_pages import article_page; "
                    f"open({str(path)!r}, 'wb').write(article_page({shape!r}, {size}))"], check=True)


def measure(tree: Path, page: Path, warm_up: Path, timeout: float) -> dict | None:
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(page), URL, str(warm_up)],
                              capture_output=True, text=True, timeout=timeout, cwd=tree)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def old_tree(rev: str, into: Path) -> Path:
    """The ``extract`` package (and the profiles it loads) as they were at ``rev``."""
    # built-in profiles lived in newsarchive/sites/ before they moved to extract/sites/
    paths = ["extract"] + [p for p in ("newsarchive/sites",) if subprocess.run(
        ["git", "cat-file", "-e", f"{rev}:{p}"], cwd=ROOT, capture_output=True).returncode == 0]
    archive = subprocess.run(["git", "archive", rev, *paths], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    # load_profile finds the built-in profiles through the newsarchive package: a bare one will do.
    (into / "newsarchive").mkdir(exist_ok=True)   # a rev whose profiles are in extract/sites has none
    (into / "newsarchive" / "__init__.py").touch()
    return into


def cell(result: dict | None, timeout: float) -> str:
    if result is None:
        return f"{'> ' + format(timeout, '.0f') + ' s':>9} {'':>7}"
    if "error" in result:
        return f"{'error':>9} {'':>7}"
    return f"{result['ms']:>9.0f} {result['rss']:>7.0f}"


def linearity(results: dict, sizes: list[float]) -> str:
    """ms at the largest size ÷ (size × ms at 1 MB), or the nearest sizes measured."""
    done = [s for s in sizes if results.get(s) and "ms" in results[s]]
    base = 1.0 if 1.0 in done else (done[0] if done else None)
    if base is None or done[-1] == base:
        return "–"
    return f"{results[done[-1]]['ms'] / (done[-1] / base * results[base]['ms']):.2f} ({done[-1]:g} MB)"


def crawl_big_pages() -> None:
    """The crawl of three 15 MB pages (gzipped on the wire): the longest extraction and the longest
    stall of the event loop, from the run's stats."""
    import sqlite3

    tmp = Path(tempfile.mkdtemp(prefix="extract-crawl-"))
    server = subprocess.Popen([sys.executable, "-m", "tests.hostile_server", "--scenario", "big-pages"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = server.stdout.readline().strip()
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "newsarchive.cli", "crawl", "--site", str(ROOT / "tests/fixtures/hostile.toml"),
                        "--url", url, "--data", str(tmp / "data"), "--log-level", "ERROR"], cwd=ROOT,
                       capture_output=True, check=False)
        wall = time.monotonic() - started
        stats = json.loads(sqlite3.connect(tmp / "data" / "archive.db").execute("SELECT stats FROM runs").fetchone()[0])
        print(f"crawl of 3 pages of 15 MB: {wall:.1f} s; longest extraction {stats.get('extract/max_ms')} ms; "
              f"the event loop stood still at most {stats.get('reactor/max_lag_ms')} ms (reactor/max_lag_ms)\n")
    finally:
        server.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES)
    parser.add_argument("--sizes", nargs="+", type=float, default=[0.5, 1, 2, 4, 8, 15])
    parser.add_argument("--compare", metavar="REV", help="also measure the extract package of this commit")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per extraction before giving up")
    parser.add_argument("--crawl", action="store_true",
                        help="also crawl the three 15 MB pages of tests/hostile_server.py and report how long the "
                             "crawl's event loop stood still")
    args = parser.parse_args()
    if args.crawl:
        crawl_big_pages()
    tmp = Path(tempfile.mkdtemp(prefix="extract-limits-"))
    trees = {"new": ROOT}
    if args.compare:
        trees = {"old": old_tree(args.compare, tmp / "old"), **trees}
    results: dict = {name: {} for name in trees}
    header = f"{'shape':<11} {'MB':>5} " + " ".join(f"{name + ' ms':>9} {name + ' RSS':>7}" for name in trees)
    print("CPU ms of one extract_page call and peak RSS MB of its process (imports and page included)")
    print(header + f" {'ms/MB':>7} {'text chars':>10}  problems")
    try:
        for shape in args.shapes:
            for name in trees:
                results[name][shape] = {}
            # the same shape, small: lazy imports (trafilatura, htmldate) are not timed
            warm_up, page = tmp / "warm-up.html", tmp / "page.html"
            write_page(shape, 64 * 1024, warm_up)
            for size in args.sizes:
                write_page(shape, int(size * MB), page)
                row = {name: measure(tree, page, warm_up, args.timeout) for name, tree in trees.items()}
                for name, result in row.items():
                    results[name][shape][size] = result
                new = row["new"] or {}
                per_mb = f"{new['ms'] / size:>7.0f}" if "ms" in new else f"{'–':>7}"
                print(f"{shape:<11} {size:>5g} " + " ".join(cell(r, args.timeout) for r in row.values())
                      + f" {per_mb} {new.get('text', 0):>10}  {'; '.join(new.get('problems') or [])[:90]}",
                      flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("\nlinearity, ms at the largest size ÷ (size × ms at 1 MB); 1.00 is linear")
    for shape in args.shapes:
        print(f"{shape:<11} " + "   ".join(f"{name} {linearity(results[name][shape], args.sizes)}" for name in trees))


if __name__ == "__main__":
    main()
