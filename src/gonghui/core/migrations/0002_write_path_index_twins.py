import django.db.models.deletion
from django.db import migrations, models

# Indexes every audited write and every figure change maintains, that no query needs:
# - PostgreSQL gives an indexed CharField two b-trees, a plain one and a varchar_pattern_ops twin.
#   The org paths of audit and figure rows are only ever matched by subtree (LIKE 'path%',
#   core.lookups) or equality, which the pattern-ops twin serves alone: the plain one goes.
#   SQLite has only the plain one, which its subtree range uses: it stays there.
# - The audit row's content type has the (content_type, object_id) index, which starts with it.
PLAIN_TWINS = (("core_auditlog", "org_path"), ("core_figuredelta", "org_path"))


def _on_postgresql(step):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                for table, column in PLAIN_TWINS:
                    step(cursor, table, column)

    return run


@_on_postgresql
def drop_plain_twins(cursor, table, column):
    cursor.execute(
        "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s "
        "AND indexdef NOT LIKE %s",
        [table, f"%({column})", "%pattern_ops%"],
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


@_on_postgresql
def create_plain_twins(cursor, table, column):
    cursor.execute(f'CREATE INDEX IF NOT EXISTS "{table}_{column}_plain" ON "{table}" ("{column}")')


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_squashed_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditlog",
            name="content_type",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="对象类型",
            ),
        ),
        migrations.RunPython(drop_plain_twins, create_plain_twins),
    ]
