"""`path__pathprefix="0001.0003."`: a subtree test on a materialised path that uses the index.

Django's `startswith` becomes `LIKE ... ESCAPE`; SQLite's LIKE is case-insensitive, so SQLite cannot
turn it into an index range and scans instead. Paths hold only digits and dots, so the prefix needs
no escaping: SQLite gets `GLOB 'p*'` (case-sensitive, index range), PostgreSQL gets `LIKE 'p%'`
(index range with the varchar_pattern_ops indexes declared on the models).
"""

import re

from django.db.models import CharField, Lookup

PATH_RE = re.compile(r"[0-9.]*")


@CharField.register_lookup
class PathPrefix(Lookup):
    lookup_name = "pathprefix"

    def get_db_prep_lookup(self, value, connection):
        if not PATH_RE.fullmatch(value):
            raise ValueError(f"not a territory path: {value!r}")
        wildcard = "*" if connection.vendor == "sqlite" else "%"
        return "%s", [value + wildcard]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "GLOB" if connection.vendor == "sqlite" else "LIKE"
        return f"{lhs} {operator} {rhs}", [*lhs_params, *rhs_params]
