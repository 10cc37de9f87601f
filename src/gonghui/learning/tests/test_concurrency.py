import pytest

from gonghui.core.testing.parallel import run_in_parallel
from gonghui.core.testing.personas import build_personas

from .. import services
from ..models import Enrollment
from . import factories


@pytest.mark.django_db(transaction=True)
def test_parallel_signups_never_exceed_capacity():
    personas = build_personas()
    session = factories.session(personas.yancheng, capacity=2)
    members = [factories.member(personas.yancheng_project) for _ in range(5)]

    def signup(i):
        return services.enrollment_signup(
            actor=personas.yancheng_officer, session=session, member=members[i]
        )

    results, errors = run_in_parallel(5, signup)
    assert errors == [] and len(results) == 5
    assert Enrollment.objects.filter(status="enrolled").count() == 2
    assert Enrollment.objects.filter(status="waitlisted").count() == 3
