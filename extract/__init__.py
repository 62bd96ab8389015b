"""Pure extraction: (url, content type, body bytes) -> records. Imports no Scrapy."""

from .assemble import Assembled, Capture, Part, StoredPage, assemble, finish, merge_pages
from .page import EXTRACTOR_VERSION, PageRecord, extract_page
from .profile import ProfileError, SiteProfile, load_profile

__all__ = ["Assembled", "Capture", "EXTRACTOR_VERSION", "PageRecord", "Part", "ProfileError", "SiteProfile",
           "StoredPage", "assemble", "extract_page", "finish", "load_profile", "merge_pages"]
