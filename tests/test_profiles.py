"""Profiles a user can trust and a crawl that says what it is doing (issue 16): the schema, `check`,
health from the profile, checked `--set` names, `--limit`, progress, status lines and the summary."""

import json
import os
import pty
import re
import select
import sqlite3
import subprocess
import sys
import time

from tests.conftest import FIXTURES, ROOT, run_cli

TYPOS = '''name = "mine"
allowed_host = ["{host}"]
[url]
article = ['^/x/']
[urls]
artcle = ['^/\\d{4}-\\d{2}/']
listing = ['^/$']
[selectors]
titel = "h1"
'''


def _profile(tmp_path, text: str, name: str = "site.toml"):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return str(path)


def test_a_profile_with_typos_is_rejected_naming_each_key_and_line(tmp_path):
    result = run_cli("crawl", "--site", _profile(tmp_path, TYPOS), "--url", "http://127.0.0.1:9/", "--data",
                     str(tmp_path / "data"))
    assert result.returncode == 2, result.stdout + result.stderr
    for expected in ('line 2: unknown key "allowed_host" (did you mean "allowed_hosts"?)',
                     "line 3: unknown table [url] (did you mean [urls]?)",
                     'line 6: unknown key "artcle" in [urls] (did you mean "article"?)',
                     'line 9: unknown key "titel" in [selectors] (did you mean "title"?)'):
        assert expected in result.stderr, result.stderr
    assert not (tmp_path / "data" / "archive.db").exists()


def test_usage_errors_for_a_missing_site_and_an_unknown_setting(tmp_path):
    missing = run_cli("crawl", "--url", "http://127.0.0.1:9/", "--data", str(tmp_path))
    assert missing.returncode == 2 and "Missing option '--site'" in missing.stderr
    unknown = run_cli("crawl", "--site", "replica", "--url", "http://127.0.0.1:9/", "--data", str(tmp_path),
                      "--set", "CLOSESPIDER_PAGCOUNT=30")
    assert unknown.returncode == 2 and "did you mean CLOSESPIDER_PAGECOUNT?" in unknown.stderr


def test_check_on_the_replica_finds_nothing_wrong_and_names_its_rules(replica):
    result = run_cli("check", "--site", "replica", "--url", replica.url, "--sample", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert f"{replica.url}\n  start page, listing, ranking page  (urls.listing '^/$'; urls.ranking '^/$')" in out
    assert re.search(r"  ranking: 10 entries", out)
    article = re.search(r"\n(http://\S+/content_\d+\.htm)\n  article  \(urls.article '[^']+'\)\n((?:  .*\n)+)", out)
    assert article, out
    fields = article.group(2)
    assert re.search(r"  title: .+  \[.+\]", fields) and re.search(r"  published_at: 20\d\d-.+  \[.+\]", fields)
    assert "characters of text" in fields
    assert out.rstrip().endswith("Nothing looks wrong.")


def test_check_says_what_is_wrong_with_a_wrong_article_pattern(tmp_path, replica):
    wrong = (FIXTURES.parent.parent / "extract" / "sites" / "replica.toml").read_text("utf-8").replace(
        r"article = ['^/\d{4}-\d{2}/\d{2}/content_\d+(?:_\d+)?\.htm$']", "article = ['^/articles/']")
    assert "'^/articles/'" in wrong
    result = run_cli("check", "--site", _profile(tmp_path, wrong), "--url", replica.url)
    assert result.returncode == 3, result.stdout
    assert "What looks wrong:\n  - 0 URLs matched the article patterns (urls.article)" in result.stdout
    # and a crawl with it is never healthy, with the reason in words
    crawl = run_cli("crawl", "--site", _profile(tmp_path, wrong), "--url", replica.url, "--data",
                    str(tmp_path / "data"), "--log-level", "ERROR")
    assert crawl.returncode == 3 and "0 URLs matched the article patterns (urls.article)" in crawl.stdout


def test_check_calls_out_a_listing_whose_pager_it_cannot_follow(tmp_path, hostile_factory):
    server = hostile_factory("hidden-pager")
    profile = _profile(tmp_path, (FIXTURES / "hostile.toml").read_text("utf-8").replace(
        "listing = ['^/$']", "listing = ['^/$', '^/list/']"))
    result = run_cli("check", "--site", profile, "--url", server.url)
    assert result.returncode == 3, result.stdout
    assert f"{server.url}list/index.htm\n  listing  (urls.listing '^/list/')\n" in result.stdout
    assert "  next page: none found (the page shows '共3页')" in result.stdout
    assert ("  - 1 of 1 listings show a pager ('共3页') but no next page was found, e.g. "
            f"{server.url}list/index.htm") in result.stdout


def test_a_site_without_a_ranking_is_a_normal_site(tmp_path, hostile_factory):
    server = hostile_factory("plain")
    profile = _profile(tmp_path, (FIXTURES / "hostile.toml").read_text("utf-8").replace("ranking = ['^/$']\n", ""))
    result = run_cli("crawl", "--site", profile, "--url", server.url, "--data", str(tmp_path / "data"),
                     "--log-level", "ERROR")
    assert result.returncode == 0, result.stdout
    db = sqlite3.connect(tmp_path / "data" / "archive.db")
    assert db.execute("SELECT health FROM runs").fetchone() == ("ok",)
    assert db.execute("SELECT count(*) FROM rankings").fetchone() == (0,)


def test_a_trial_run_stops_at_its_limit_and_stays_healthy(tmp_path, replica):
    result = run_cli("crawl", "--site", "replica", "--url", replica.url, "--data", str(tmp_path), "--limit", "12",
                     "--log-level", "ERROR")
    assert result.returncode == 0, result.stdout
    db = sqlite3.connect(tmp_path / "archive.db")
    assert db.execute("SELECT status, health FROM runs").fetchone() == ("finished", "ok")
    assert db.execute("SELECT count(*) FROM failures WHERE reason LIKE '%ARCHIVE_MAX_PAGES=12%'").fetchone()[0] > 0


def test_the_summary_says_what_happened_and_the_stats_file_has_it(tmp_path, replica):
    stats_file = tmp_path / "stats.json"
    result = run_cli("crawl", "--site", "replica", "--url", replica.url, "--data", str(tmp_path / "data"),
                     "--log-level", "ERROR", "--stats-file", str(stats_file))
    assert result.returncode == 0, result.stdout
    lines = dict(re.findall(r"^(\S[\w ]*?)  +(.+)$", result.stdout, re.M))
    assert re.fullmatch(r"1 \(finished\), \d+ s", lines["run"]), lines
    assert re.fullmatch(r"\d+ new, 0 edited, 0 unchanged \(and \d+ mirror pages\)", lines["articles"]), lines
    assert re.fullmatch(r"10 entries", lines["ranking"]) and re.fullmatch(r"\d+(\.\d)? (KB|MB)", lines["WARC files"]
                                                                         .split(", ")[1])
    assert lines["health"] == "ok" and lines["browse"].startswith(".venv/bin/newsarchive serve --data ")
    shown = re.search(r"```text\n(run  .*?)```", (ROOT / "README.md").read_text("utf-8"), re.S).group(1)
    assert list(dict(re.findall(r"^(\S[\w ]*?)  +(.+)$", shown, re.M))) == list(lines)   # the README shows it as it is
    saved = json.loads(stats_file.read_text("utf-8"))
    db = sqlite3.connect(tmp_path / "data" / "archive.db")
    assert saved["summary"]["articles_new"] == db.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert saved["stats"]["response_received_count"] == saved["summary"]["pages_fetched"] > 0


def test_status_lines_in_a_log_and_as_json(tmp_path, replica_factory):
    site = replica_factory(articles=300)
    with open(tmp_path / "cron.log", "w") as log:
        subprocess.run([sys.executable, "-m", "newsarchive.cli", "crawl", "--site", "replica", "--url", site.url,
                        "--data", str(tmp_path / "a"), "--log-level", "ERROR", "--status-interval", "1"],
                       cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, timeout=300)
    lines = [line for line in (tmp_path / "cron.log").read_text().splitlines() if line.startswith("run 1 · ")]
    assert lines and all(re.search(r"· \d+ pages · articles \d+ new, \d+ edited · \d+ failures · queue \d+ · "
                                   r"[\d.]+ pages/s$", line) for line in lines), lines
    as_json = run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(tmp_path / "b"),
                      "--log-level", "ERROR", "--status-json", "--status-interval", "1")
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert records[-1]["status"] == "finished" and records[-1]["health"] == "ok" and records[-1]["run"] == 1
    assert all(r["status"] == "running" and r["run"] == 1 for r in records[:-1])


def test_a_live_progress_line_on_a_terminal(tmp_path, replica_factory):
    site = replica_factory(articles=300)
    main, secondary = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "crawl", "--site", "replica", "--url", site.url,
                             "--data", str(tmp_path), "--log-level", "ERROR"], cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=secondary, stderr=secondary)
    os.close(secondary)
    seen, deadline = b"", time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 1)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    os.close(main)
    text = seen.decode("utf-8", "replace")
    assert proc.returncode == 0, text[-2000:]
    live = re.findall(r"\r\x1b\[Krun 1 · \d+m\d\ds · (\d+) pages", text)
    assert len(live) >= 2 and int(live[-1]) > 0, text[:2000]
    assert "health" in text.rsplit("\x1b[K", 1)[-1]           # the summary comes after the live line is cleared
