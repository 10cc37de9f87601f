"""Issue 13: every audited write and figure change maintains only the indexes queries use. On
PostgreSQL the org path of audit and figure rows keeps one b-tree, the pattern-ops one, which
serves both the subtree filter and equality; the audit row's content type is served by the
(content_type, object_id) index."""

import pytest
from django.db import connection

from gonghui.core.models import AuditLog, FigureDelta

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index twins"),
]


def index_definitions(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize("model", [AuditLog, FigureDelta])
def test_the_org_path_has_one_index_and_it_is_the_pattern_ops_one(model):
    on_path = [d for d in index_definitions(model._meta.db_table) if "(org_path" in d]
    assert len(on_path) == 1
    assert "varchar_pattern_ops" in on_path[0]


def test_the_audit_content_type_is_indexed_once_by_the_pair():
    definitions = index_definitions(AuditLog._meta.db_table)
    assert not [d for d in definitions if d.endswith("(content_type_id)")]
    assert [d for d in definitions if "(content_type_id, object_id)" in d]


@pytest.mark.parametrize(
    "where, params",
    [("org_path LIKE %s", ["0001%"]), ("org_path = %s", ["00010002"])],
    ids=["subtree", "equality"],
)
def test_subtree_and_equality_filters_use_the_remaining_index(where, params):
    table = FigureDelta._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT id FROM {table} WHERE {where}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "org_path" in plan and "_like" in plan, plan
