"""The baseline: a bare Scrapy spider that follows every link on the host, with a seen-URL set
and nothing else (no WARC, no extraction, no database). Used by bench/crawl_throughput.py."""

from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.http import TextResponse


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, url: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_urls = [url]
        self.host = urlsplit(url).netloc
        self.seen = {url}

    def parse(self, response):
        if not isinstance(response, TextResponse):
            return
        for href in response.css("a::attr(href)").getall():
            url = urldefrag(response.urljoin(href))[0]
            if url not in self.seen and urlsplit(url).netloc == self.host and url.startswith("http"):
                self.seen.add(url)
                yield scrapy.Request(url, callback=self.parse)
