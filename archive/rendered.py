"""Pages the crawl rendered, as a reparse meets them: held from their response record until the
record that says what became of them.

The crawl renders a page the profile's ``[render]`` table names (``extract.render``) after its
response is archived. Once the browser is done it writes either a ``conversion`` record (the
rendered DOM, its WARC-Refers-To the response record) or a ``urn:newsarchive:not-rendered``
metadata record (why not, ``refers_to`` the response record); the pairs of the requests the
browser made come in between. A reparse asks the same question of each response, holds a page
the profile renders, and assembles it when that record comes: from the rendered DOM, with the
page's capture, as the crawl did; or as served. A page whose record never comes (the crawl was
cut short, or ran with ARCHIVE_RENDER_ENABLED off) is assembled as served when its run ends.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from extract import Assembled, Capture, Part, SiteProfile, assemble
from extract.render import render_reason
from .vocabulary import NOT_RENDERED


@dataclass
class _Held:
    capture: Capture
    earlier: list[Part] | None           # the pages before it, if it is a later page of an article
    as_served: Assembled                 # what the static page gives


class RenderedPages:
    """The pages of one run waiting for their rendering, by their response's WARC-Record-ID."""

    def __init__(self, profile: SiteProfile | None):
        self.profile = profile
        self.held: dict[str, _Held] = {}

    def hold(self, record_id: str, capture: Capture, earlier: list[Part] | None, as_served: Assembled) -> bool:
        """True, and the page is held, if the crawl rendered (or tried to render) it."""
        if as_served.record is None or not render_reason(self.profile, capture, as_served.record):
            return False
        self.held[record_id] = _Held(capture, earlier, as_served)
        return True

    @staticmethod
    def is_outcome(record) -> bool:
        """``record`` (warcio's) says what became of a page the crawl was to render."""
        return record.rec_type == "conversion" or (
            record.rec_type == "metadata" and record.rec_headers.get_header("WARC-Target-URI") == NOT_RENDERED)

    def outcome(self, record) -> Assembled | None:
        """What the page that ``record`` is the outcome of gives: rendered, or as served."""
        if record.rec_type == "conversion":
            return self.rendered(record.rec_headers.get_header("WARC-Refers-To"),
                                 record.rec_headers.get_header("Content-Type"), record.content_stream().read())
        return self.not_rendered(json.loads(record.content_stream().read())["refers_to"])

    def rendered(self, refers_to: str, content_type: str, dom: bytes) -> Assembled | None:
        """The page of response ``refers_to`` assembled from its rendered DOM (a ``conversion``)."""
        held = self.held.pop(refers_to, None)
        if held is None:                 # its response was damaged, or is another run's
            return None
        page = held.capture
        return assemble(Capture(page.url, page.status, content_type, dom, page.capture_id, page.fetched_at),
                        self.profile, held.earlier)

    def not_rendered(self, refers_to: str) -> Assembled | None:
        """The page of response ``refers_to`` as served (the crawl could not render it)."""
        held = self.held.pop(refers_to, None)
        return held.as_served if held else None

    def release(self) -> list[Assembled]:
        """Every page still held, as served: its run has no more records."""
        released = [held.as_served for held in self.held.values()]
        self.held.clear()
        return released
