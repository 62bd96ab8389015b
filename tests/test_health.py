"""The run's verdict, from its stats alone."""

from crawler.health import Expectations, judge

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
    assert any(r.startswith("no ranking found") for r in judge({**HEALTHY, "archive/ranking_entries": 0}).reasons)


def test_extraction_drift():
    assert not judge({**HEALTHY, "archive/article_pages_with_body": 0}).ok
    dropped = {**HEALTHY, "archive/article_pages_with_body": 10}
    verdict = judge(dropped, previous=HEALTHY)
    assert not verdict.ok and any("dropped from 98% to 20%" in r for r in verdict.reasons)
    # without a last run to compare with, 20% is still under the profile's minimum share (0.5 by default)
    alone = judge(dropped, previous=None)
    assert not alone.ok and alone.reasons == [r for r in alone.reasons if "health.min_body_share" in r]
    assert judge(dropped, previous=None, expect=Expectations(min_body_share=0.2)).ok


def test_a_run_with_no_finish_reason_is_never_healthy():
    stats = {k: v for k, v in HEALTHY.items() if k != "finish_reason"}
    verdict = judge(stats)
    assert not verdict.ok and "did not finish" in verdict.reasons[0]
    assert not judge({**HEALTHY, "finish_reason": "shutdown"}).ok


def test_the_profile_says_what_a_healthy_run_must_have():
    no_ranking = {**HEALTHY, "archive/ranking_entries": 0}
    assert judge(no_ranking, expect=Expectations(ranking=False)).ok        # a site without a 热门排行
    nothing = {"finish_reason": "finished", "response_received_count": 4}
    verdict = judge(nothing, expect=Expectations(ranking=False))
    assert verdict.reasons == ["0 URLs matched the article patterns (urls.article)"]
    assert judge({**nothing, "frontier/article_links": 30}, expect=Expectations(ranking=False)).ok   # all known
    thin = {**HEALTHY, "archive/article_pages_with_body": 20}                 # 40% of 50
    assert "health.min_body_share" in judge(thin).reasons[0]
    assert judge(thin, expect=Expectations(min_body_share=0.3)).ok
