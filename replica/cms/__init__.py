"""CMS flavours of the replica (issue 14): ``newsarchive replica --cms trs|hanweb``.

The replica's articles served as a TRS WCM portal (``trs.py``, ``trs_pages.py``) and as a
Hanweb 大汉 JCMS portal (``hanweb.py``, ``hanweb_pages.py``) publish them; the URL scheme of each
is in its module's docstring. Both share the model (``model.py``, with the 访谈嘉宾-card
interviews of ``guests.py``), the endpoints every such portal has (``flavour.py``: counters, data
proxy, ranking include and JSON API, HLS files of ``hls.py``, the scripts of ``scripts.py``), the
HTML fragments of ``blocks.py`` and the server (``server.py``). No sitemap, no RSS.

What a crawler must do to find every article, in either flavour:

- follow ``<a href>`` links, resolved against the page (TRS links are relative);
- run the script-only pagers: ``createPageHTML(count, current, name, ext)`` (list pages and
  multi-page TRS articles) and ``hwPager(uid, pageNum, count)`` (Hanweb ``?uid=…&pageNum=N``);
- read datastore islands (``<script type="text/xml"><datastore>…<record><![CDATA[…]]>``) and the
  ``jpage({…})`` call after each (``proxyUrl``, ``params``, ``perPage``, ``totalRecord``), then
  ask the proxy for records ``startrecord``..``endrecord``: POST (paging in the query string,
  ``params`` as the form body) or GET (everything in the query), both answering the same XML;
- follow the ``<a>下一页</a>`` after the body of the two-page 在线访谈.

Counts with ``--articles N``: N + 3 articles on day 1, ``max(3, N // 40)`` new each later day,
one earlier article edited each day from day 2 (linked from the home page's 编辑推荐 every day),
three card interviews (one with two guests, one over two pages), 10 ranking entries a day, the
delivery switching each day. ``truth.flavour_model(cms, articles, day, seed)`` gives all of it
for tests; ``/__replica__/hits.json`` counts the counters' GETs and the proxy's calls.
"""
