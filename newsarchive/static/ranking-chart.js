// The 热门排行 chart of the ranking page and the article page, in plain SVG (no library, no CDN).
// Data: /-/ranking.json (newsarchive/ranking_data.py), one rank per snapshot or null where the
// article was out of the ranking: a line breaks there. Scraped text (titles, URLs) is only ever
// set with textContent or as an attribute value, never parsed as HTML.
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const COLOURS = ["#c0392b", "#1f77b4", "#2ca02c", "#9467bd", "#e67e22", "#17becf", "#8c564b", "#d62790"];
  // LEFT leaves room for the first date label, which is rotated to end at its tick
  const W = 960, H = 420, LEFT = 110, RIGHT = 28, TOP = 16, BOTTOM = 96;

  function node(parent, name, attrs, text) {
    const el = document.createElementNS(SVG, name);
    for (const key in attrs) el.setAttribute(key, attrs[key]);
    if (text !== undefined) el.textContent = text;
    parent.appendChild(el);
    return el;
  }

  function label(at) { return at.slice(0, 16).replace("T", " "); }

  function draw(root, data) {
    const svg = root.querySelector("svg.ranking-chart");
    const legend = root.querySelector(".chart-legend");
    const tip = root.querySelector(".chart-tooltip");
    const status = root.querySelector(".chart-status");
    svg.replaceChildren();
    legend.replaceChildren();
    const snaps = data.snapshots, n = snaps.length;
    const lines = data.series.filter(s => s.ranks.some(r => r !== null));
    if (!n || !lines.length) {
      status.textContent = "No ranking snapshots" + (data.q ? " of a title with \u201c" + data.q + "\u201d" : "") +
        " between " + data.since + " and " + data.until + ".";
      svg.style.display = "none";
      return;
    }
    svg.style.display = "";
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    const maxRank = Math.max(10, ...lines.flatMap(s => s.ranks.filter(r => r !== null)));
    const x = i => LEFT + (n === 1 ? (W - LEFT - RIGHT) / 2 : i * (W - LEFT - RIGHT) / (n - 1));
    const y = r => TOP + (r - 1) * (H - TOP - BOTTOM) / (maxRank - 1);
    for (let r = 1; r <= maxRank; r++) {
      node(svg, "line", {x1: LEFT, x2: W - RIGHT, y1: y(r), y2: y(r), stroke: "#e5e5e5"});
      node(svg, "text", {x: LEFT - 8, y: y(r) + 4, "text-anchor": "end", "font-size": 12, fill: "#555"}, String(r));
    }
    node(svg, "text", {x: 70, y: TOP + (H - TOP - BOTTOM) / 2, "font-size": 12, fill: "#555",
                       transform: "rotate(-90 70 " + (TOP + (H - TOP - BOTTOM) / 2) + ")", "text-anchor": "middle"},
         "rank");
    const every = Math.max(1, Math.ceil(n / 14));
    snaps.forEach((s, i) => {
      if (i % every && i !== n - 1) return;
      const ly = H - BOTTOM + 14;
      node(svg, "text", {x: x(i), y: ly, "text-anchor": "end", "font-size": 11, fill: "#555",
                         transform: "rotate(-40 " + x(i) + " " + ly + ")"}, label(s.at));
    });
    lines.forEach((s, k) => {
      const colour = COLOURS[k % COLOURS.length];
      const group = node(svg, "g", {"class": "series", "data-url": s.url});
      let run = [];
      const flush = () => {
        if (run.length > 1) node(group, "polyline", {points: run.join(" "), fill: "none", stroke: colour,
                                                     "stroke-width": 2.5, "class": "segment"});
        run = [];
      };
      s.ranks.forEach((r, i) => {
        if (r === null) { flush(); return; }           // out of the ranking: a gap
        run.push(x(i) + "," + y(r));
        const dot = node(group, "circle", {cx: x(i), cy: y(r), r: 4.5, fill: colour, "class": "point"});
        const text = (s.title || s.url) + "\nrank " + r + " at " + label(snaps[i].at) + " (run " + snaps[i].run_id + ")";
        node(dot, "title", {}, text);
        dot.addEventListener("mouseenter", ev => { tip.textContent = text; tip.hidden = false; place(tip, ev); });
        dot.addEventListener("mousemove", ev => place(tip, ev));
        dot.addEventListener("mouseleave", () => { tip.hidden = true; });
      });
      flush();
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = colour;
      item.appendChild(swatch);
      const link = document.createElement("a");
      link.href = "/article?url=" + encodeURIComponent(s.url);
      link.textContent = s.title || s.url;
      item.appendChild(link);
      const seen = s.ranks.filter(r => r !== null);
      item.appendChild(document.createTextNode(" \u2014 best rank " + Math.min(...seen) + ", in " + seen.length +
                                               " of " + n + " snapshots" + (s.archived ? "" : " (not archived)")));
      item.addEventListener("mouseenter", () => group.classList.add("highlight"));
      item.addEventListener("mouseleave", () => group.classList.remove("highlight"));
      legend.appendChild(item);
    });
    status.textContent = lines.length + " article" + (lines.length === 1 ? "" : "s") + " over " + n +
      " snapshot" + (n === 1 ? "" : "s") + ", " + data.since + " to " + data.until;
  }

  function place(tip, ev) {
    tip.style.left = (ev.pageX + 14) + "px";
    tip.style.top = (ev.pageY + 14) + "px";
  }

  window.newsarchiveRankingChart = function (root, params) {
    const status = root.querySelector(".chart-status");
    const query = new URLSearchParams();
    for (const key in params) if (params[key]) query.set(key, params[key]);
    return fetch("/-/ranking.json?" + query.toString())
      .then(r => { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(data => { draw(root, data); return data; })
      .catch(err => { status.textContent = "Could not load the ranking: " + err.message; });
  };
})();
