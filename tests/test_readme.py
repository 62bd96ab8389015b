"""The README's examples run, as sqlite-utils' ``tests/test_docs.py`` runs its documentation's.

Every command in a ```sh block is either run here, against the replica this suite starts (its
URL and port, and a temporary data directory, in place of the README's), or skipped for a reason
listed in ``SKIPPED``; a command that is neither, or a skip whose command is gone, fails. Every
statement of a ```sql block runs against the archive the README's crawl example made and must
return rows. An example that stops working fails the suite.
"""

import json
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import urllib.request

import pytest

from tests.conftest import ROOT, free_port, wait_until_serving

README = (ROOT / "README.md").read_text("utf-8")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)

SERVE = ".venv/bin/newsarchive serve --data data"
CRAWL = ".venv/bin/newsarchive crawl --site ./mysite.toml --url https://www.example.cn/ --data /srv/newsarchive"
SCRAPY = ".venv/bin/scrapy crawl news -a site=replica -a url=http://127.0.0.1:8000/ -a data=./data"
EXPORTS = (".venv/bin/newsarchive export qa --data data --format csv --bom --output qa.csv",
           ".venv/bin/newsarchive export articles --data data --format parquet --output articles.parquet",
           ".venv/bin/newsarchive export rankings --data data --format jsonl --run 2 --output rankings.jsonl")
RUN = {SERVE, CRAWL, SCRAPY, *EXPORTS}
SKIPPED = {
    ".venv/bin/newsarchive serve --data data --with-replay": "tests/test_article_page.py runs it (a real pywb beside "
                                                             "datasette) and follows a replay link into pywb",
    ".venv/bin/newsarchive serve --data data --replay-url http://127.0.0.1:8090/archive/":
        "needs a pywb on port 8090; the links it makes are those --with-replay makes, which tests/test_article_page.py "
        "follows",
    "make demo": "creates .venv and ./data in the checkout; `newsarchive demo`, which it runs, is run by "
                 "tests/test_cli.py",
    "make test": "runs this suite",
    "newsarchive crawl --site replica --url http://127.0.0.1:8000/ --data data --workers 3 "
    "--redis redis://127.0.0.1:6379/0 --max-rate 10": "needs Redis; tests/test_distributed.py runs distributed crawls "
                                                      "against a redis-server it starts",
    ".venv/bin/python bench/eval_extraction.py --cwce /tmp/cwce --twnews /tmp/tw/6ab452b --twnews /tmp/tw/9df525c "
    "--readability /tmp/readability": "needs the public corpora, which are not committed",
    ".venv/bin/python bench/extract_speed.py": "a benchmark: it measures, minutes of CPU, and asserts nothing",
}
# Whole blocks by language: what they are, and why they are not run.
SKIPPED_LANGUAGES = {
    "cron": "a crontab line: cron is not run by tests (the crawl it runs is the one above)",
    "ini": "systemd units: they need systemd and root",
    "": "not commands: the record's JSON shape, a table of results, the source layout",
    "text": "what a command prints (check's report, a crawl's end summary): test_profiles compares the "
            "summary's labels with a real crawl's",
}
PROGRAMS = {".venv/bin/newsarchive": [sys.executable, "-m", "newsarchive.cli"],
            ".venv/bin/scrapy": [sys.executable, "-m", "scrapy"]}


def _blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README) if lang == language]


def _shell_commands() -> list[str]:
    # a line ending in a backslash goes on on the next, as in the shell
    return [" ".join(words) for block in _blocks("sh") for line in block.replace("\\\n", " ").splitlines()
            if (words := shlex.split(line, comments=True))]


def _argv(command: str, replace: dict[str, str]) -> list[str]:
    """The README's command with its program run from this checkout and its values replaced (a word
    equal to a key, or a NAME=key word)."""
    words = shlex.split(command)
    program, args = PROGRAMS[words[0]], words[1:]
    for n, word in enumerate(args):
        name, sep, value = word.rpartition("=")
        args[n] = replace.get(word) or (f"{name}={replace[value]}" if sep and value in replace else word)
    return program + args


def test_every_example_is_run_or_skipped_for_a_reason():
    commands = set(_shell_commands())
    assert commands - RUN - set(SKIPPED) == set(), "a new README example: run it here, or skip it with a reason"
    assert (RUN | set(SKIPPED)) - commands == set(), "an example here is no longer in the README"
    languages = {lang for lang, _ in FENCE.findall(README)}
    assert languages - {"sh", "sql", "python", "toml"} - set(SKIPPED_LANGUAGES) == set()
    assert all(SKIPPED.values()) and all(SKIPPED_LANGUAGES.values())


@pytest.fixture(scope="module")
def crawled(replica, tmp_path_factory):
    """The README's "point it at the real site" example, against the replica: a copy of the replica's
    profile as ./mysite.toml, the replica's URL as the site's."""
    tmp = tmp_path_factory.mktemp("readme")
    shutil.copy(ROOT / "extract" / "sites" / "replica.toml", tmp / "mysite.toml")
    data = tmp / "srv-newsarchive"
    argv = _argv(CRAWL, {"./mysite.toml": str(tmp / "mysite.toml"), "https://www.example.cn/": replica.url,
                         "/srv/newsarchive": str(data)})
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return data


def test_sql_examples_return_rows(crawled):
    statements = [s.strip() for block in _blocks("sql")
                  for s in re.sub(r"(?m)^\s*--.*$", "", block).split(";") if s.strip()]
    assert len(statements) >= 3          # the parse found the three examples
    db = sqlite3.connect(crawled / "archive.db")
    for sql in statements:
        assert db.execute(sql).fetchall(), sql


def test_serve_example_answers(crawled):
    port = free_port()
    server = subprocess.Popen(_argv(SERVE, {"data": str(crawled)}) + ["--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/archive/articles.json?_shape=array&_size=1"
        wait_until_serving(url, server)
        rows = json.load(urllib.request.urlopen(url, timeout=10))
        assert rows and rows[0]["title"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_export_examples_write_every_row(crawled, tmp_path):
    """The *Exports* examples, against the README crawl's archive: each file read back as its format."""
    import csv
    import io

    import pyarrow.parquet as pq

    db = sqlite3.connect(crawled / "archive.db")
    files = {name: tmp_path / name for name in ("qa.csv", "articles.parquet", "rankings.jsonl")}
    for command in EXPORTS:
        result = subprocess.run(_argv(command, {"data": str(crawled), **{k: str(v) for k, v in files.items()}}),
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, command + result.stderr
    raw = files["qa.csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                        # --bom
    qa = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(qa) == db.execute("SELECT count(*) FROM qa").fetchone()[0] > 0
    assert pq.read_table(files["articles.parquet"]).num_rows == db.execute("SELECT count(*) FROM articles").fetchone()[0]
    ranked = [json.loads(line) for line in files["rankings.jsonl"].read_text("utf-8").splitlines()]
    assert len(ranked) == db.execute("SELECT count(*) FROM rankings WHERE run_id = 2").fetchone()[0]


def test_scrapy_example_archives_the_site(replica, tmp_path):
    data = tmp_path / "data"
    argv = _argv(SCRAPY, {"http://127.0.0.1:8000/": replica.url, "./data": str(data)})
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite3.connect(data / "archive.db")
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] > 10
    assert db.execute("SELECT status, health FROM runs").fetchall() == [("finished", "ok")]


def test_the_python_examples_run():
    """Python blocks (the replica flavours' ground truth) are run as written."""
    blocks = _blocks("python")
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_the_profile_examples_are_valid_profiles():
    """TOML blocks are profile examples: each passes the profile schema as written."""
    import tomllib

    from extract.profile_schema import check

    blocks = _blocks("toml")
    assert blocks
    for block in blocks:
        check(tomllib.loads(block), block, "README.md")
