import pytest

from gonghui.core.testing.parallel import run_in_parallel
from gonghui.core.testing.personas import build_personas

from .. import services
from ..models import Delivery
from . import factories


@pytest.mark.django_db(transaction=True)
def test_two_officers_scanning_one_card_at_once_make_one_delivery():
    personas = build_personas()
    campaign = factories.campaign(personas.yancheng)
    member = factories.member(personas.yancheng_project)
    item = campaign.items.get()

    def scan(_i):
        return services.delivery_record(
            actor=personas.yancheng_officer, campaign=campaign, item=item,
            beneficiary=services.Beneficiary(member=member),
        )  # fmt: skip

    results, errors = run_in_parallel(4, scan)
    assert len(results) == 1 and len(errors) == 3
    assert all("member" in e.message_dict for e in errors)
    assert Delivery.objects.count() == 1
