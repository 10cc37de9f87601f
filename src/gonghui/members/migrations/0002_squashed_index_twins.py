from django.db import migrations

# On PostgreSQL Django gives every unique CharField a varchar_pattern_ops twin for LIKE 'x%'.
# Nothing searches the ID hash or the member number by prefix: the twins only slow inserts.
# A migration of their own: 0001 creates them in its deferred statements, after its last step.
TWINS = ("id_card_hash", "member_number")


def drop_twins(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for column in TWINS:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'members_member' "
                "AND indexdef LIKE %s",
                [f"%({column} varchar_pattern_ops)%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    replaces = [
        ('members', '0008_member_index_twins'),
    ]

    dependencies = [
        ('members', '0001_squashed_initial'),
    ]

    operations = [
        migrations.RunPython(drop_twins, migrations.RunPython.noop),
    ]
