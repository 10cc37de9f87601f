from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500
# Far beyond any real list, far below the 64-bit integers SQLite and PostgreSQL accept.
MAX_OFFSET = 10**9


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """limit/offset pages whose bounds are checked (a 422 with a field error, never a 500)."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
