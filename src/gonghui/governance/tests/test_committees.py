import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.governance import selectors, services
from gonghui.governance.models import Committee, Seat, TermReminder

D = datetime.date


def elect(org, starts_on, actor=SYSTEM, **extra):
    return services.committee_elect(
        actor=actor,
        org=org,
        starts_on=starts_on,
        held_on=extra.pop("held_on", starts_on),
        delegates=extra.pop("delegates", 50),
        attended=extra.pop("attended", 45),
        votes_cast=extra.pop("votes_cast", 44),
        **extra,
    )


@pytest.mark.django_db
class TestTerms:
    def test_election_opens_a_five_year_term_with_its_record(self, personas):
        committee = elect(personas.liuyang, D(2024, 3, 1))
        assert committee.term_number == 1 and committee.ends_on == D(2029, 3, 1)
        assert committee.election.votes_cast == 44

    def test_next_election_closes_the_previous_term(self, personas):
        first = elect(personas.liuyang, D(2019, 3, 1))
        services.seat_add(actor=SYSTEM, committee=first, role="chair", name="甲",
                          starts_on=D(2019, 3, 1))  # fmt: skip
        second = elect(personas.liuyang, D(2024, 2, 1))
        first.refresh_from_db()
        assert second.term_number == 2 and first.ends_on == D(2024, 1, 31)
        assert Seat.objects.get(committee=first).ends_on == D(2024, 1, 31)

    def test_term_ending_before_it_starts_is_refused(self, personas):
        with nothing_written(), pytest.raises(ValidationError) as caught:
            elect(personas.liuyang, D(2024, 3, 1), ends_on=D(2023, 1, 1))
        assert "ends_on" in caught.value.message_dict
        assert not Committee.objects.exists()

    def test_more_votes_than_attendees_is_refused(self, personas):
        with nothing_written(), pytest.raises(ValidationError) as caught:
            elect(personas.liuyang, D(2024, 3, 1), attended=10, votes_cast=11)
        assert "votes_cast" in caught.value.message_dict

    def test_two_chairs_at_once_are_refused(self, personas):
        committee = elect(personas.liuyang, D(2024, 3, 1))
        services.seat_add(actor=SYSTEM, committee=committee, role="chair", name="甲",
                          starts_on=D(2024, 3, 1))  # fmt: skip
        with nothing_written(), pytest.raises(ValidationError) as caught:
            services.seat_add(actor=SYSTEM, committee=committee, role="chair", name="乙",
                              starts_on=D(2025, 1, 1))  # fmt: skip
        assert "role" in caught.value.message_dict
        assert Seat.objects.filter(role="chair").count() == 1

    def test_a_new_chair_after_the_old_one_left(self, personas):
        committee = elect(personas.liuyang, D(2024, 3, 1))
        first = services.seat_add(actor=SYSTEM, committee=committee, role="chair", name="甲",
                                  starts_on=D(2024, 3, 1))  # fmt: skip
        services.seat_end(actor=SYSTEM, seat=first, ends_on=D(2025, 5, 31))
        services.seat_add(actor=SYSTEM, committee=committee, role="chair", name="乙",
                          starts_on=D(2025, 6, 1))  # fmt: skip
        assert Seat.objects.filter(role="chair").count() == 2

    def test_out_of_scope_union_is_refused(self, personas):
        with nothing_written(), pytest.raises(ValidationError) as caught:
            elect(personas.yancheng, D(2024, 3, 1), actor=personas.hunan_officer)
        assert "org" in caught.value.message_dict

    def test_out_of_scope_committee_seat_is_404(self, personas):
        committee = elect(personas.yancheng, D(2024, 3, 1))
        with nothing_written(), pytest.raises(Http404):
            services.seat_add(actor=personas.hunan_officer, committee=committee, role="member",
                              name="x", starts_on=D(2024, 3, 1))  # fmt: skip


@pytest.mark.django_db
class TestOverdue:
    def test_expired_term_is_overdue_for_the_upper_union(self, personas):
        elect(personas.liuyang, D(2018, 3, 1))
        elect(personas.xinwuling, D(2023, 3, 1))
        overdue = list(selectors.terms_overdue(user=personas.hunan_officer, today=D(2026, 11, 1)))
        assert [c.org for c in overdue] == [personas.liuyang]
        assert not list(selectors.terms_overdue(user=personas.luohe_officer, today=D(2026, 11, 1)))

    def test_reminders_six_and_one_month_before_once_each(self, personas):
        elect(personas.liuyang, D(2022, 3, 1))  # ends 2027-03-01
        assert services.term_reminders_raise(today=D(2026, 8, 1)) == 0
        assert services.term_reminders_raise(today=D(2026, 9, 1)) == 1
        assert services.term_reminders_raise(today=D(2026, 9, 2)) == 0
        assert services.term_reminders_raise(today=D(2027, 2, 1)) == 1
        assert sorted(TermReminder.objects.values_list("months_before", flat=True)) == [1, 6]
