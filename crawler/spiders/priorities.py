"""The order requests leave in: leaves before the pages that lead to them.

A later page of an article, a page's requisites, an article, then a listing: the scheduler then
holds a few listings' worth of requests, not one per article of the site (listings first queued
them all: RSS grew with the site). Start pages first of all; sitemaps right after them.
"""

PRIORITY_HOME = 100
PRIORITY_SITEMAP = 95
PRIORITY_CONTINUATION = 50
PRIORITY_REQUISITE = 30
PRIORITY_VIDEO = 25
PRIORITY_ARTICLE = 20
PRIORITY_LISTING = 10
