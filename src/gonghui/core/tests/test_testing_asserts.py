"""The refusal helper itself: it must fail when a row is inserted, updated or deleted."""

import pytest
from django.contrib.auth.models import Group

from gonghui.core.testing.asserts import nothing_written
from gonghui.organizations.models import Organization


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["insert", "update", "delete"])
def test_nothing_written_catches_every_kind_of_write(change):
    group = Group.objects.create(name="旧名")
    with pytest.raises(AssertionError, match=r"auth\.Group"), nothing_written():
        if change == "insert":
            Group.objects.create(name="新组")
        elif change == "update":
            Group.objects.filter(pk=group.pk).update(name="新名")
        else:
            group.delete()


@pytest.mark.django_db
def test_nothing_written_passes_reads_and_allows_named_bookkeeping(personas):
    with nothing_written():
        assert Organization.objects.count() >= 9
    with nothing_written(but=("organizations.Organization",)):
        Organization.objects.filter(pk=personas.luohe.pk).update(name="改名")
