import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written

from .. import selectors, services
from ..models import Discount, JobPosting
from . import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_open_jobs_are_sorted_by_distance_and_expired_ones_disappear(personas):
    far = factories.job(personas.liuyang, title="远", latitude=28.5, longitude=114.0)
    near = factories.job(personas.liuyang, title="近", latitude=28.175, longitude=113.653)
    gone = factories.job(personas.liuyang, title="过期", latitude=28.175, longitude=113.652)
    JobPosting.objects.filter(pk=gone.pk).update(expires_on=TODAY() - datetime.timedelta(days=1))
    jobs = selectors.open_jobs(lat=28.1745, lon=113.6520, within_km=100)  # far: 48 km
    assert [j.pk for j in jobs] == [near.pk, far.pk]
    assert jobs[0].distance_km < 1 < jobs[1].distance_km


def test_open_jobs_filter_by_category(personas):
    factories.job(personas.liuyang, category="logistics")
    care = factories.job(personas.liuyang, category="care", title="护工")
    assert [j.pk for j in selectors.open_jobs(category="care")] == [care.pk]


def test_job_pay_range_must_be_ordered(personas):
    with nothing_written(), pytest.raises(ValidationError) as exc:
        factories.job(personas.liuyang, pay_min=9000, pay_max=5000)
    assert "pay_max" in exc.value.message_dict


def test_discounts_outside_their_validity_are_not_listed(personas):
    today = TODAY()
    live = services.discount_create(
        actor=SYSTEM, org=personas.liuyang, merchant="食堂", offer="九折", category="food",
        valid_from=today, valid_until=today, place="新屋岭",
    )  # fmt: skip
    later = services.discount_create(
        actor=SYSTEM, org=personas.liuyang, merchant="超市", offer="满减", category="shopping",
        valid_from=today + datetime.timedelta(days=3),
        valid_until=today + datetime.timedelta(days=9), place="新屋岭",
    )  # fmt: skip
    assert [d.pk for d in selectors.open_discounts()] == [live.pk]
    assert Discount.objects.filter(pk=later.pk).exists()


def test_the_nearest_job_is_listed_even_beyond_the_page_size(personas):
    for i in range(5):
        factories.job(personas.liuyang, title=f"远{i}", latitude=28.25, longitude=113.70)
    near = factories.job(personas.liuyang, title="近", latitude=28.175, longitude=113.653,
                         expires_on=TODAY() + datetime.timedelta(days=300))  # fmt: skip
    jobs = selectors.open_jobs(lat=28.1745, lon=113.6520, limit=3)
    assert jobs[0].pk == near.pk and len(jobs) == 3
