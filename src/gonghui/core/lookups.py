"""``path__subtree_of``: the materialized-path prefix filter, indexed on both databases.

PostgreSQL: ``LIKE 'prefix%'`` uses the ``varchar_pattern_ops`` index Django creates beside a
unique CharField. SQLite only applies its LIKE optimisation with case-sensitive LIKE, which
Django's case-insensitive lookups rely on being off, so there the same filter is written as the
range ``prefix <= path < prefix || '~'`` on the ordinary index: paths use only 0-9 and A-Z, which
sort below '~' in SQLite's binary collation.
"""

from django.db import models
from django.db.models import Lookup

PATH_UPPER_SENTINEL = "~"


@models.CharField.register_lookup
class SubtreeOf(Lookup):
    lookup_name = "subtree_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = self.rhs
        if connection.vendor == "sqlite":
            return f"({lhs} >= %s AND {lhs} < %s)", [
                *lhs_params,
                prefix,
                *lhs_params,
                prefix + PATH_UPPER_SENTINEL,
            ]
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"{lhs} LIKE %s", [*lhs_params, escaped + "%"]
