"""One page path (issue 13): the crawl and a reparse assemble records with the same code, so a
multi-page article comes out the same both ways, merged on its paragraphs."""

import sqlite3

from tests.conftest import FIXTURES, run_cli
from tests.hostile_server import BOLD_PAGE_1, BOLD_QA

QA = "SELECT seq, question, answer FROM qa WHERE article LIKE ? ORDER BY seq"


def test_a_bold_interview_over_two_pages_is_one_interview_in_the_crawl_and_in_reparse(tmp_path, hostile_factory):
    server = hostile_factory("bold-two-pages")
    data = tmp_path / "data"
    crawled = run_cli("crawl", "--site", str(FIXTURES / "hostile.toml"), "--url", server.url, "--data", str(data),
                      "--log-level", "ERROR")
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr
    rebuilt = tmp_path / "rebuilt.db"
    assert run_cli("reparse", "--data", str(data), "--output", str(rebuilt)).returncode == 0
    article = "%" + BOLD_PAGE_1
    expected = [(n, q, a) for n, (q, a) in enumerate(BOLD_QA, 1)]
    for db in (sqlite3.connect(data / "archive.db"), sqlite3.connect(rebuilt)):
        # both pages' bold questions: merging on plain text lost the bold flag (2 pairs, then an article)
        assert db.execute("SELECT kind FROM articles WHERE canonical_url LIKE ?", [article]).fetchone() == ("interview",)
        assert db.execute(QA, [article]).fetchall() == expected
        pages = db.execute("SELECT page FROM article_captures WHERE article LIKE ? ORDER BY page", [article]).fetchall()
        assert pages == [(1,), (2,)]
