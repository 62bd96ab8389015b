"""Pure extraction: (url, content type, body bytes) -> records. Imports no Scrapy."""

from .page import EXTRACTOR_VERSION, PageRecord, extract_page, merge_pages, page_document
from .profile import ProfileError, SiteProfile, load_profile

__all__ = ["EXTRACTOR_VERSION", "PageRecord", "ProfileError", "SiteProfile", "extract_page", "load_profile",
           "merge_pages", "page_document"]
