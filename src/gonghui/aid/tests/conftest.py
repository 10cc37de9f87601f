# The aid pages and flows build on cases (the default case types, the worker's membership, the
# notification backend, the browser): the same fixtures, not copies.
from gonghui.cases.tests.conftest import (
    browser,
    cases_setup,
    hunan_member,
    types,
    yancheng_member,
)

__all__ = ["browser", "cases_setup", "hunan_member", "types", "yancheng_member"]
