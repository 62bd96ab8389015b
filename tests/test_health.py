"""The run's verdict, from its stats alone."""

from crawler.health import judge

HEALTHY = {"finish_reason": "finished", "response_received_count": 100, "archive/ranking_entries": 10,
           "archive/article_pages": 50, "archive/article_pages_with_body": 49}


def test_healthy_run():
    assert judge(HEALTHY).ok and judge(HEALTHY, HEALTHY).ok


def test_no_pages_errors_and_no_ranking():
    assert "no pages fetched" in judge({"finish_reason": "finished"}).reasons
    errors = {**HEALTHY, "downloader/exception_count": 30}
    assert any(r.startswith("error ratio") for r in judge(errors).reasons)
    capped = {**errors, "archive/skipped": 30}          # deliberate skips are not errors
    assert judge(capped).ok
    assert "no ranking found" in judge({**HEALTHY, "archive/ranking_entries": 0}).reasons


def test_extraction_drift():
    assert not judge({**HEALTHY, "archive/article_pages_with_body": 0}).ok
    dropped = {**HEALTHY, "archive/article_pages_with_body": 10}
    verdict = judge(dropped, previous=HEALTHY)
    assert not verdict.ok and "dropped from 98% to 20%" in verdict.reasons[0]
    assert judge(dropped, previous=None).ok


def test_a_run_with_no_finish_reason_is_never_healthy():
    stats = {k: v for k, v in HEALTHY.items() if k != "finish_reason"}
    verdict = judge(stats)
    assert not verdict.ok and "did not finish" in verdict.reasons[0]
    assert not judge({**HEALTHY, "finish_reason": "shutdown"}).ok
