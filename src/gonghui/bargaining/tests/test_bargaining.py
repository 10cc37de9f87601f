import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.enterprises.tests import factories as enterprise_factories

from .. import selectors, services
from . import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_invitation_letter_sets_a_20_day_deadline_and_advisory_waits_for_it(personas):
    firm = enterprise_factories.enterprise(personas.liuyang, union=personas.xinwuling)
    sent = datetime.date(2026, 3, 2)
    procedure = services.procedure_open(
        actor=SYSTEM, org=personas.xinwuling, enterprise=firm, sent_on=sent
    )
    invitation = procedure.letters.get()
    assert invitation.due_on == sent + datetime.timedelta(days=20)
    with nothing_written(), pytest.raises(ValidationError):
        services.procedure_letter_add(actor=SYSTEM, procedure=procedure, kind="advisory",
                                      sent_on=sent + datetime.timedelta(days=10))  # fmt: skip
    with nothing_written(), pytest.raises(ValidationError):
        services.procedure_letter_add(actor=SYSTEM, procedure=procedure, kind="notice",
                                      sent_on=sent + datetime.timedelta(days=60))  # fmt: skip
    services.procedure_letter_add(actor=SYSTEM, procedure=procedure, kind="advisory",
                                  sent_on=sent + datetime.timedelta(days=21))  # fmt: skip
    services.procedure_letter_add(actor=SYSTEM, procedure=procedure, kind="notice",
                                  sent_on=sent + datetime.timedelta(days=40))  # fmt: skip
    procedure.refresh_from_db()
    assert procedure.status == "escalated"


def test_response_closes_the_procedure_as_agreed(personas):
    firm = enterprise_factories.enterprise(personas.liuyang, union=personas.xinwuling)
    procedure = services.procedure_open(
        actor=SYSTEM, org=personas.xinwuling, enterprise=firm, sent_on=datetime.date(2026, 3, 2)
    )
    services.procedure_letter_add(actor=SYSTEM, procedure=procedure, kind="response",
                                  sent_on=datetime.date(2026, 3, 10))  # fmt: skip
    procedure.refresh_from_db()
    assert procedure.status == "agreed"


def test_agreement_review_goes_submitted_then_approved(personas):
    agreement = factories.agreement(personas.xinwuling)
    with nothing_written(), pytest.raises(ValidationError):
        services.agreement_review(actor=SYSTEM, agreement=agreement, status="approved")
    services.agreement_review(actor=SYSTEM, agreement=agreement, status="submitted")
    agreement = services.agreement_review(actor=SYSTEM, agreement=agreement, status="approved")
    assert agreement.review_status == "approved" and agreement.reviewed_on == TODAY()


def test_enterprise_agreement_needs_an_enterprise(personas):
    with nothing_written(), pytest.raises(ValidationError) as exc:
        factories.agreement(personas.xinwuling, level="enterprise")
    assert "enterprise_id" in exc.value.message_dict


def test_congress_rate_counts_unionised_enterprises_with_a_congress_in_term(personas):
    today = TODAY()
    firms = [
        enterprise_factories.enterprise(personas.liuyang, union=personas.xinwuling)
        for _ in range(4)
    ]
    enterprise_factories.enterprise(personas.liuyang)  # no union: not in the denominator
    for firm in firms[:3]:
        services.congress_create(actor=SYSTEM, enterprise=firm, term_starts_on=today,
                                 term_ends_on=today + datetime.timedelta(days=1800))  # fmt: skip
    services.congress_create(
        actor=SYSTEM, enterprise=firms[3], term_starts_on=today - datetime.timedelta(days=3000),
        term_ends_on=today - datetime.timedelta(days=1200),
    )  # fmt: skip
    rate = selectors.congress_rate(org=personas.hunan)
    assert (rate.numerator, rate.denominator, rate.percent) == (3, 4, 75.0)
    assert selectors.congress_rate(org=personas.henan).percent is None
