"""Paging by "deferred join": find one page's ids from the index alone, then fetch those rows with
their joins.

SQLite joins every matching row (subject, territory, town) before it sorts and cuts the page; for a
town with 200,000 hazards that is 200,000 lookups to show 50. Reading the ids first lets a covering
index answer the sort, and the joins touch 50 rows. PostgreSQL gains the same way on large scopes.
"""

from django.core.paginator import Paginator

# The deepest offset a list accepts. The database takes OFFSET as a 64-bit integer (SQLite answers
# "Python int too large to convert to SQLite INTEGER" beyond it), and reading past millions of rows
# to skip them is no paging anyone does: ten million is ten times the city benchmark's hazards.
MAX_OFFSET = 10_000_000


def page_ids(queryset, offset, limit):
    return list(queryset.values_list("pk", flat=True)[offset : offset + limit])


def in_order(rows, ids, key=lambda row: row.pk):
    position = {pk: index for index, pk in enumerate(ids)}
    return sorted(rows, key=lambda row: position[key(row)])


class DeferredJoinPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = page_ids(self.object_list, bottom, self.per_page)
        rows = in_order(self.object_list.filter(pk__in=ids), ids)
        return self._get_page(rows, number, self)
