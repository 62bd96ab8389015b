"""The command line, through subprocesses."""

import json
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from replica.content import SiteModel
from tests.conftest import ROOT, free_port, run_cli


def test_help_short_and_long():
    for flag in ("-h", "--help"):
        result = run_cli(flag)
        assert result.returncode == 0
        for command in ("crawl", "demo", "replica", "serve", "extract"):
            assert command in result.stdout
    assert "Examples:" in run_cli("crawl", "-h").stdout


def test_usage_errors_exit_2_with_one_clear_line():
    result = run_cli("crawl", "--site", "no-such-site", "--url", "http://127.0.0.1:1/")
    assert result.returncode == 2 and "no site profile 'no-such-site'" in result.stderr
    assert run_cli("crawl", "--site", "replica", "--url", "ftp://x/").returncode == 2
    assert run_cli("replica", "--articles", "5").returncode == 2
    assert run_cli("bogus").returncode == 2


def test_crawl_of_a_dead_site_is_unhealthy(tmp_path):
    port = free_port()
    result = run_cli("crawl", "--site", "replica", "--url", f"http://127.0.0.1:{port}/", "--data", str(tmp_path), "--log-level", "ERROR")
    assert result.returncode == 3
    assert "no pages fetched" in result.stdout
    row = sqlite3.connect(tmp_path / "archive.db").execute("SELECT health FROM runs").fetchone()
    assert row == ("unhealthy",)


def test_extract_prints_the_documented_json(replica, tmp_path):
    model = SiteModel(articles=replica.articles)
    gbk = next(a for a in model.articles if a.charset == "gbk-undeclared")
    page = tmp_path / "page.htm"
    page.write_bytes(replica.get(gbk.path)[2])
    result = run_cli("extract", str(page), "--url", replica.url.rstrip("/") + gbk.path, "--site", "replica")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["title"] == gbk.title and doc["encoding"] == "gb18030" and doc["kind"] == "article"
    assert set(doc) >= {"url", "canonical_url", "kind", "title", "title_raw", "series", "subtitle", "media",
                        "published_at", "source", "author", "editor", "text", "text_raw", "images", "videos",
                        "next_page", "encoding", "encoding_confidence", "interview", "ranking"}
    live = run_cli("extract", replica.url.rstrip("/") + gbk.path)
    assert json.loads(live.stdout)["text"] == doc["text"]


def test_demo_then_serve_with_datasette(tmp_path):
    data = tmp_path / "data"
    result = run_cli("demo", "--data", str(data), "--days", "2", "--articles", "40")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ranking snapshots" in result.stdout and "newsarchive serve" in result.stdout
    db = sqlite3.connect(data / "archive.db")
    assert db.execute("SELECT count(DISTINCT run_id) FROM rankings").fetchone()[0] == 2
    assert sorted((data / "warc").glob("*.warc.gz"))

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "serve", "--data", str(data),
                               "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/archive/qa.json?_shape=array&_size=5"
        for _ in range(100):
            try:
                rows = json.load(urllib.request.urlopen(url, timeout=5))
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("datasette did not answer: " + server.stderr.read1().decode())
        assert len(rows) == 5 and rows[0]["question"]
        # read-only: SQL that writes is refused, and nothing changed
        refused = f"http://127.0.0.1:{port}/archive.json?sql=" + urllib.parse.quote("delete from qa")
        try:
            urllib.request.urlopen(refused, timeout=5)
            raise AssertionError("a write statement was accepted")
        except urllib.error.HTTPError as err:
            assert err.code == 400
        assert db.execute("SELECT count(*) FROM qa").fetchone()[0] >= 5
        # fts3_tokenizer() reads (one argument) and installs (two) a tokenizer pointer: refused
        for sql in ("select hex(fts3_tokenizer('simple')) as p", "select fts3_tokenizer('x', x'00') as p"):
            try:
                answer = json.load(urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/archive.json?_shape=array&sql=" + urllib.parse.quote(sql), timeout=5))
                raise AssertionError(f"fts3_tokenizer answered: {answer}")
            except urllib.error.HTTPError as err:
                answer = json.loads(err.read().decode())
                assert err.code == 400 and not answer["ok"] and not answer["rows"], sql
                assert "user-defined function raised exception" in answer["error"], answer["error"]
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()


def test_readme_schema_section_is_generated_from_the_real_schema():
    from newsarchive.schema_doc import profile_section, readme_section

    readme = (ROOT / "README.md").read_text("utf-8")
    assert readme_section() in readme, "run: newsarchive schema --readme README.md"
    assert profile_section() in readme, "the profile reference drifted: run newsarchive schema --readme README.md"
    assert "`revalidate`" in profile_section() and "`side_effects`" in profile_section()
    for table in ("runs", "captures", "articles", "article_versions", "people", "interviews", "interviewees", "qa",
                  "rankings", "articles_fts", "qa_fts"):
        assert f"### `{table}`" in readme_section()


def test_every_command_and_option_is_in_the_readme():
    import click

    from newsarchive.cli import main

    readme = (ROOT / "README.md").read_text("utf-8")
    for name, command in main.commands.items():
        assert f"newsarchive {name}" in readme, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert any(opt in readme for opt in param.opts), f"{name} {param.opts}"
