"""The ``counted`` facet: datasette's column facet, answered from ``facet_counts`` when it can.

datasette counts a facet by grouping every row the page selects: on the unfiltered articles table
that is a scan of the whole table (1.2 s for ``kind`` at 1,000,000 articles, issue 17). The archive
keeps those counts as rows are written (``facet_counts``, migration m010, kept by triggers), so:

- an unfiltered table reads its counts from ``facet_counts`` (a millisecond at any size);
- a search with more hits than ``SEARCH_FACET_MAX`` shows no facets (counting them would read every
  hit's row: ~0.5 µs a hit, a second for the commonest words at a million articles); the page says so;
- anything else (a filter, a small search) is datasette's own column facet, under its time limit.

Configured in metadata.yml as ``facets: [{counted: kind}, …]`` on the tables of ``COUNTED_FACETS``.
"""

from __future__ import annotations

from datasette.facets import ColumnFacet
from datasette.utils import path_with_added_args, path_with_removed_args

from archive.schema import COUNTED_FACETS

from .search_box import SEARCH_FACET_MAX, search_hits

COUNTS = ("SELECT value, count FROM facet_counts WHERE tbl = :table AND col = :column AND count > 0 "
          "ORDER BY count DESC, value LIMIT :limit")


class CountedFacet(ColumnFacet):
    type = "counted"

    def _unfiltered(self) -> bool:
        # datasette's facet SQL is "select … from table " plus "where …" when anything filters it
        return not self.params and " where " not in self.sql.lower() and self.table in COUNTED_FACETS

    async def facet_results(self):
        hits = search_hits(self.request)
        if hits is not None and hits > SEARCH_FACET_MAX:
            return [], []
        if not self._unfiltered():
            return await super().facet_results()
        size = self.get_facet_size()
        results = []
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            if column not in COUNTED_FACETS[self.table]:
                raise ValueError(f"facet_counts keeps no counts of {self.table}.{column} (archive/schema.py)")
            rows = (await self.ds.execute(self.database, COUNTS, {"table": self.table, "column": column,
                                                                  "limit": size + 1})).rows
            expanded = await self.ds.expand_foreign_keys(self.database, self.table, column,
                                                         [r["value"] for r in rows[:size]])
            results.append({
                "name": column, "type": self.type, "hideable": False,
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
                "truncated": len(rows) > size,
                "results": [{
                    "value": r["value"], "label": expanded.get((column, r["value"]), r["value"]), "count": r["count"],
                    "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(
                        path_with_added_args(self.request, {column: r["value"]}))),
                    "selected": False,
                } for r in rows[:size]],
            })
        return results, []
