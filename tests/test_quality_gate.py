"""A quality floor that never quietly drops (issue 15), over our own template fixtures.

Each field of the record is scored over every page of tests/fixtures/templates/ (pages we wrote,
in the styles of real CMSs): the share of pages where the field is right, and the body's character
4-gram F1 against the text as the site wrote it (bench/eval_extraction.py's measure), mean and
worst page. ``tests/quality_floor.json`` holds the floor of each score; a score below its floor
fails. A commit that lowers a floor says so in its message, with the numbers; raising the floors
to what the code now scores is:

    QUALITY_FLOOR_RAISE=1 .venv/bin/python -m pytest tests/test_quality_gate.py

which only ever raises them (and records new fields and pages).
"""

import json
import os

import pytest

from bench.eval_extraction import f1
from extract import extract_page
from tests.conftest import FIXTURES

TEMPLATES = FIXTURES / "templates"
FLOOR = FIXTURES.parent / "quality_floor.json"
EXACT = ["kind", "title", "media", "series", "subtitle", "published_at", "source", "author", "editor", "script",
         "ranking", "interview"]


def _scores() -> dict[str, float]:
    right = {name: [] for name in EXACT + ["interviewees", "qa_pairs"]}
    f1s = []
    for truth_file in sorted(TEMPLATES.glob("*.json")):
        truth = json.loads(truth_file.read_text("utf-8"))
        doc = extract_page(truth["url"], truth["content_type"], truth_file.with_suffix(".html").read_bytes()).to_json()
        for name in EXACT:
            right[name].append(doc[name] == truth[name])
        if truth["interview"]:
            got = doc["interview"] or {"interviewees": [], "qa": []}
            right["interviewees"].append(got["interviewees"] == truth["interview"]["interviewees"])
            pairs = truth["interview"]["qa"]
            right["qa_pairs"].append(sum(pair in got["qa"] for pair in pairs) / len(pairs))
        f1s.append(f1(doc["text"], truth["text"]))
    scores = {name: round(sum(values) / len(values), 4) for name, values in right.items() if values}
    scores.update(body_f1=round(sum(f1s) / len(f1s), 4), body_f1_worst=round(min(f1s), 4), pages=len(f1s))
    return scores


@pytest.fixture(scope="module")
def scores():
    found = _scores()
    if os.environ.get("QUALITY_FLOOR_RAISE"):
        floor = json.loads(FLOOR.read_text("utf-8")) if FLOOR.exists() else {}
        raised = {name: max(value, floor.get(name, value)) for name, value in found.items()}
        FLOOR.write_text(json.dumps(dict(sorted(raised.items())), indent=1) + "\n", "utf-8")
    return found


def test_no_score_falls_below_its_floor(scores):
    floor = json.loads(FLOOR.read_text("utf-8"))
    fallen = {name: (scores.get(name), value) for name, value in floor.items() if scores.get(name, -1) < value}
    assert not fallen, f"scores below the floor (score, floor): {fallen}; a lower floor needs a commit message saying so"


def test_every_score_has_a_floor(scores):
    # a field or a page added without a floor would not be guarded
    assert set(scores) <= set(json.loads(FLOOR.read_text("utf-8")))
