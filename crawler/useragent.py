"""The User-Agent names the tool and a contact (``ARCHIVE_CONTACT``), as archiving crawlers do.

A Scrapy add-on (``ADDONS``), because add-ons adjust the settings before they are frozen, however
the crawl was started: ``newsarchive crawl``, a worker, ``scrapy crawl news``, ``newsarchive
extract URL``. A USER_AGENT computed in ``crawler/settings.py`` alone would keep the default
contact when only ARCHIVE_CONTACT is set (as it did until issue 13).

Settings: ARCHIVE_CONTACT; USER_AGENT, when it is set explicitly, wins. The old name
NEWSARCHIVE_CONTACT is still read, with a deprecation warning.
"""

from __future__ import annotations

import warnings

from scrapy.exceptions import ScrapyDeprecationWarning

from archive.vocabulary import SOFTWARE

# Old setting name -> new one (issue 13: one prefix scheme, ARCHIVE_* and WARC_*).
RENAMED = {"NEWSARCHIVE_CONTACT": "ARCHIVE_CONTACT"}


def user_agent(contact: str) -> str:
    return f"{SOFTWARE} (web archiving; +{contact})"


class ContactUserAgent:
    """Maps renamed settings to their new names, then makes USER_AGENT from ARCHIVE_CONTACT when
    the contact was set with a higher priority than the User-Agent (``--set ARCHIVE_CONTACT=…``)."""

    def update_settings(self, settings) -> None:
        for old, new in RENAMED.items():
            if settings.get(old) is None:
                continue
            warnings.warn(f"the setting {old} is deprecated; use {new}", ScrapyDeprecationWarning, stacklevel=2)
            if settings.getpriority(old) > (settings.getpriority(new) or 0):
                settings.set(new, settings[old], priority=settings.getpriority(old))
        contact = settings.getpriority("ARCHIVE_CONTACT") or 0
        if contact > (settings.getpriority("USER_AGENT") or 0):
            settings.set("USER_AGENT", user_agent(settings["ARCHIVE_CONTACT"]), priority=contact)
