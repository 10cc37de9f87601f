import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gonghui.campaigns import services as campaign_services
from gonghui.campaigns.models import Delivery
from gonghui.campaigns.tests import factories as campaign_factories
from gonghui.core.testing.personas import build_personas
from gonghui.learning import services as learning_services
from gonghui.learning.models import Enrollment
from gonghui.learning.tests import factories as learning_factories


def run_in_parallel(n, action):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker(i):
        try:
            barrier.wait()
            results.append(action(i))
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


SQLITE_SKIP = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory shared-cache test database answers 'table is locked' instead of waiting; "
    "runs on PostgreSQL",
)


@SQLITE_SKIP
@pytest.mark.django_db(transaction=True)
def test_two_officers_scanning_one_card_at_once_make_one_delivery():
    personas = build_personas()
    campaign = campaign_factories.campaign(personas.yancheng)
    member = campaign_factories.member(personas.yancheng_project)
    item = campaign.items.get()

    def scan(_i):
        return campaign_services.delivery_record(
            actor=personas.yancheng_officer, campaign=campaign, item=item,
            beneficiary=campaign_services.Beneficiary(member=member),
        )  # fmt: skip

    results, errors = run_in_parallel(4, scan)
    assert len(results) == 1 and len(errors) == 3
    assert all("member" in e.message_dict for e in errors)
    assert Delivery.objects.count() == 1


@SQLITE_SKIP
@pytest.mark.django_db(transaction=True)
def test_parallel_signups_never_exceed_capacity():
    personas = build_personas()
    session = learning_factories.session(personas.yancheng, capacity=2)
    members = [campaign_factories.member(personas.yancheng_project) for _ in range(5)]

    def signup(i):
        return learning_services.enrollment_signup(
            actor=personas.yancheng_officer, session=session, member=members[i]
        )

    results, errors = run_in_parallel(5, signup)
    assert errors == [] and len(results) == 5
    assert Enrollment.objects.filter(status="enrolled").count() == 2
    assert Enrollment.objects.filter(status="waitlisted").count() == 3
