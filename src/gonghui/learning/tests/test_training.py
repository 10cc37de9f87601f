import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.campaigns.tests import factories as campaign_factories
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written

from .. import selectors, services
from ..models import Enrollment, TrainingSession
from . import factories

pytestmark = pytest.mark.django_db


def signup(session, member, actor=SYSTEM):
    return services.enrollment_signup(actor=actor, session=session, member=member)


def test_signup_beyond_capacity_goes_to_the_waitlist_in_order(personas):
    session = factories.session(personas.yancheng, capacity=1)
    a, b, c = (campaign_factories.member(personas.yancheng_project) for _ in range(3))
    assert signup(session, a).status == "enrolled"
    second, third = signup(session, b), signup(session, c)
    assert (second.status, third.status) == ("waitlisted", "waitlisted")
    assert selectors.waitlist_position(second) == 1
    assert selectors.waitlist_position(third) == 2


def test_cancelling_a_seat_promotes_the_first_in_the_waitlist(personas):
    session = factories.session(personas.yancheng, capacity=1)
    a, b, c = (campaign_factories.member(personas.yancheng_project) for _ in range(3))
    seat = signup(session, a)
    waiting, last = signup(session, b), signup(session, c)
    promoted = services.enrollment_cancel(actor=SYSTEM, enrollment=seat)
    assert promoted.pk == waiting.pk
    assert Enrollment.objects.get(pk=waiting.pk).status == "enrolled"
    assert Enrollment.objects.get(pk=last.pk).status == "waitlisted"
    assert selectors.waitlist_position(Enrollment.objects.get(pk=last.pk)) == 1


def test_cancelling_from_the_waitlist_promotes_nobody(personas):
    session = factories.session(personas.yancheng, capacity=1)
    a, b = (campaign_factories.member(personas.yancheng_project) for _ in range(2))
    signup(session, a)
    waiting = signup(session, b)
    assert services.enrollment_cancel(actor=SYSTEM, enrollment=waiting) is None
    assert Enrollment.objects.filter(status="enrolled").count() == 1


def test_a_member_cannot_sign_up_twice(personas):
    session = factories.session(personas.yancheng, capacity=5)
    member = campaign_factories.member(personas.yancheng_project)
    signup(session, member)
    with nothing_written(), pytest.raises(ValidationError) as exc:
        signup(session, member)
    assert "session" in exc.value.message_dict
    assert Enrollment.objects.count() == 1


def test_a_worker_signs_up_only_themself(personas):
    session = factories.session(personas.yancheng, capacity=5)
    member = campaign_factories.member(personas.yancheng_project)
    with nothing_written(), pytest.raises(ValidationError):
        signup(session, member, actor=personas.worker)
    member.account = personas.worker
    member.save(update_fields=["account"])
    assert signup(session, member, actor=personas.worker).status == "enrolled"


def test_session_already_started_takes_no_signups(personas):
    session = factories.session(personas.yancheng, capacity=5)
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    member = campaign_factories.member(personas.yancheng_project)
    with nothing_written(), pytest.raises(ValidationError):
        signup(TrainingSession.objects.get(pk=session.pk), member)


def test_attendance_needs_a_seat_and_is_recorded_once(personas):
    session = factories.session(personas.yancheng, capacity=1)
    a, b = (campaign_factories.member(personas.yancheng_project) for _ in range(2))
    signup(session, a)
    signup(session, b)
    with nothing_written(), pytest.raises(ValidationError):
        services.attendance_mark(actor=personas.yancheng_officer, session=session, member=b)
    first = services.attendance_mark(actor=personas.yancheng_officer, session=session, member=a)
    again = services.attendance_mark(actor=personas.yancheng_officer, session=session, member=a)
    assert first.attended_at == again.attended_at is not None


def test_session_end_before_start_is_a_field_error(personas):
    course = factories.session(personas.yancheng).course
    with nothing_written(), pytest.raises(ValidationError) as exc:
        services.session_create(
            actor=SYSTEM,
            course=course,
            starts_at=timezone.now() + datetime.timedelta(days=2),
            ends_at=timezone.now() + datetime.timedelta(days=1),
            place="职工之家",
            capacity=3,
        )
    assert "ends_at" in exc.value.message_dict
    assert TrainingSession.objects.count() == 1


def test_open_sessions_list_only_future_public_ones(personas):
    upcoming = factories.session(personas.yancheng)
    past = factories.session(personas.yancheng)
    TrainingSession.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    hidden = factories.session(personas.yancheng)
    hidden.course.is_public = False
    hidden.course.save()
    assert [s.pk for s in selectors.open_sessions()] == [upcoming.pk]
