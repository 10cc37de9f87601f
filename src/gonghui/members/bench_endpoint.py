"""A baseline for bench/members.py only: a bare Django endpoint that inserts and commits one row
(through the same middleware as every request). Routed only when the environment says
``BENCH_ENDPOINTS=1`` (members/urls.py); never set it in production. The table is created by
the bench in its own database."""

from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLE = "bench_commit"


@csrf_exempt
@require_POST
def commit_one_row(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (payload, created_at) VALUES (%s, now()) RETURNING id",
            [request.body[:200].decode("utf-8", "replace")],
        )
        row_id = cursor.fetchone()[0]
    return JsonResponse({"id": row_id}, status=201)
