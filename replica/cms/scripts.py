"""The JavaScript of the flavours: our own small versions of what such portals load.

They work in a browser (the capture path of issue 14 renders pages with them), and they hold
the page's links in code only, never as an ``<a href>`` in the HTML:

- ``CREATE_PAGE_HTML``: TRS WCM's pager, inline in list and multi-page article pages;
  ``createPageHTML(count, current, "index", "shtml")`` writes links to ``index.shtml``,
  ``index_1.shtml``, …;
- ``UID_PAGER``: the pager of Hanweb's ``?uid=…&pageNum=N`` lists, inline;
- ``JPAGE``: datastore lists: the records in the page's ``<script type="text/xml">``, the next
  groups POSTed for to the data proxy (``startrecord``, ``endrecord``, ``perpage`` in the query
  string, the column's fields in the form body, as Hanweb's jpage does);
- ``JQUERY_LITE``: ``$.getJSON``, all the pages ask of jQuery;
- ``RANKING_FILL``: fills the empty ranking ``<ul>`` from the JSON API (``%(url)s``);
- ``CKPLAYER``: builds the player and loads the HLS stream as hls.js would, by fetching the
  master playlist, the first rendition's playlist and its segments.
"""

from __future__ import annotations

CREATE_PAGE_HTML = """function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  function name(i) { return i == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt; }
  function link(i, text) {
    return i == _nCurrIndex ? "<span>" + text + "</span>" : "<a href=\\"" + name(i) + "\\">" + text + "</a>";
  }
  var out = [link(0, "首页"), link(Math.max(0, _nCurrIndex - 1), "上一页")];
  for (var i = 0; i < _nPageCount; i++) { out.push(link(i, String(i + 1))); }
  out.push(link(Math.min(_nPageCount - 1, _nCurrIndex + 1), "下一页"), link(_nPageCount - 1, "尾页"));
  document.write("<div class=\\"page\\">" + out.join(" ") + " 共" + _nPageCount + "页</div>");
}
"""

UID_PAGER = """function hwPager(uid, pageNum, pageCount) {
  var out = [];
  for (var i = 1; i <= pageCount; i++) {
    out.push(i == pageNum ? "<b>" + i + "</b>" : "<a href='?uid=" + uid + "&pageNum=" + i + "'>" + i + "</a>");
  }
  if (pageNum < pageCount) { out.push("<a href='?uid=" + uid + "&pageNum=" + (pageNum + 1) + "'>下一页</a>"); }
  document.write("<div class='default_pgPanel'>" + out.join(" ") + " 共" + pageCount + "页</div>");
}
"""

JPAGE = """/* Datastore list: records in the page as XML, later groups from the data proxy. */
function jpage(o) {
  var box = document.getElementById(o.container), pager = document.getElementById(o.pager);
  var records = parse(box.getElementsByTagName("script")[0].text);
  var pages = Math.ceil(o.totalRecord / o.perPage), list = document.createElement("ul");
  box.appendChild(list);
  function parse(xml) {
    var out = [], re = /<record><!\\[CDATA\\[([\\s\\S]*?)\\]\\]><\\/record>/g, m;
    while ((m = re.exec(xml))) { out.push(m[1]); }
    return out;
  }
  function form(fields) {
    var out = [];
    for (var k in fields) { out.push(encodeURIComponent(k) + "=" + encodeURIComponent(fields[k])); }
    return out.join("&");
  }
  function load(page) {
    var start = records.length + 1, end = Math.min(start + o.perPage * o.groupSize - 1, o.totalRecord);
    var x = new XMLHttpRequest();
    x.open("POST", o.proxyUrl + "?startrecord=" + start + "&endrecord=" + end + "&perpage=" + o.perPage);
    x.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    x.onload = function () { if (x.status == 200) { records = records.concat(parse(x.responseText)); show(page); } };
    x.send(form(o.params));
  }
  function show(page) {
    var first = (page - 1) * o.perPage;
    if (first >= records.length && records.length < o.totalRecord) { load(page); return; }
    list.innerHTML = records.slice(first, first + o.perPage).join("");
    pager.innerHTML = "";
    for (var i = 1; i <= pages; i++) {
      var a = document.createElement(i == page ? "b" : "a");
      a.textContent = String(i);
      if (i != page) { a.href = "javascript:;"; a.onclick = (function (n) { return function () { show(n); }; })(i); }
      pager.appendChild(a);
    }
    pager.appendChild(document.createTextNode(" 共" + o.totalRecord + "条"));
  }
  show(1);
}
"""

JQUERY_LITE = """/* The one part of jQuery these pages use. */
var $ = window.$ || {};
$.getJSON = function (url, done) {
  var x = new XMLHttpRequest();
  x.open("GET", url);
  x.onload = function () { if (x.status == 200) { done(JSON.parse(x.responseText)); } };
  x.send();
};
"""

RANKING_FILL = """$.getJSON('%(url)s', function (data) {
  function esc(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;"); }
  var html = "";
  for (var i = 0; i < data.list.length; i++) {
    var e = data.list[i], shown = e.title.length > %(chars)d ? e.title.substring(0, %(chars)d) + "…" : e.title;
    html += "<li><span class=\\"num n" + e.rank + "\\">" + e.rank + "</span><a href=\\"" + e.url + "\\" title=\\""
      + esc(e.title) + "\\" target=\\"_blank\\">" + esc(shown) + "</a></li>";
  }
  document.getElementById("%(target)s").innerHTML = html;
});"""

CKPLAYER = """/* Player set-up: the HLS stream is fetched as hls.js fetches it (playlists, then segments). */
function ckplayer(o) {
  var box = document.querySelector(o.container);
  if (!box) { return; }
  var video = document.createElement("video");
  video.controls = true; video.width = 640; video.height = 360;
  box.appendChild(video);
  function get(url, type, done) {
    var x = new XMLHttpRequest();
    x.open("GET", url); x.responseType = type;
    x.onload = function () { if (x.status == 200) { done(x.response); } };
    x.send();
  }
  function uris(text) { return text.split("\\n").filter(function (l) { return l && l.charAt(0) != "#"; }); }
  function segments(base, media) {
    uris(media).forEach(function (u) { get(new URL(u, base).href, "arraybuffer", function () {}); });
  }
  var master = new URL(o.video, location.href).href;
  get(master, "text", function (text) {
    if (/#EXTINF/.test(text)) { segments(master, text); return; }
    var media = new URL(uris(text)[0], master).href;
    get(media, "text", function (list) { segments(media, list); });
  });
}
"""
