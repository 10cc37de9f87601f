import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.scoping import SYSTEM
from gonghui.enterprises import services
from gonghui.organizations.models import Organization

from .factories import project

pytestmark = pytest.mark.django_db


def test_ending_a_project_dissolves_its_project_union(personas):
    site = project(personas.yancheng, union=personas.yancheng_project)
    services.project_end(
        actor=personas.yancheng_officer, project=site, ended_on=datetime.date(2025, 6, 30)
    )
    union = Organization.objects.get(pk=personas.yancheng_project.pk)
    assert union.dissolved_on == datetime.date(2025, 6, 30)


def enrol(union, serial):
    from gonghui.core.validators import id_card_check_char
    from gonghui.members.services import member_enrol

    first17 = f"41110319900101{serial:03d}"
    return member_enrol(
        actor=SYSTEM, union=union, name=f"工人{serial}",
        id_card=first17 + id_card_check_char(first17), phone=f"1380013{serial:04d}",
    )  # fmt: skip


def regional_union(parent):
    from gonghui.organizations.services import org_create

    return org_create(
        actor=SYSTEM, parent=parent, name="郾城区城关镇工会", level="street",
        org_type="regional", region_code=parent.region_code,
    )  # fmt: skip


def test_a_project_union_with_members_is_not_dissolved_before_they_move(personas):
    site = project(personas.yancheng, union=personas.yancheng_project)
    enrol(personas.yancheng_project, 1)
    with pytest.raises(ValidationError) as caught:
        services.project_end(actor=SYSTEM, project=site, ended_on=datetime.date(2025, 6, 30))
    assert "members" in caught.value.message_dict
    site.refresh_from_db()
    assert site.ended_on is None
    assert Organization.objects.get(pk=personas.yancheng_project.pk).dissolved_on is None


def test_a_project_ends_once_its_members_moved_to_the_regional_union(personas):
    from gonghui.members.services import members_move_all

    site = project(personas.yancheng, union=personas.yancheng_project)
    worker = enrol(personas.yancheng_project, 2)
    destination = regional_union(personas.yancheng)
    members_move_all(
        actor=personas.yancheng_officer, from_union=personas.yancheng_project, to_union=destination
    )
    services.project_end(
        actor=personas.yancheng_officer, project=site, ended_on=datetime.date(2025, 6, 30)
    )
    worker.refresh_from_db()
    assert worker.union_id == destination.pk
    assert Organization.objects.get(pk=personas.yancheng_project.pk).dissolved_on is not None


def test_a_project_cannot_end_before_it_started(personas):
    site = project(personas.yancheng, started_on=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError) as caught:
        services.project_end(actor=SYSTEM, project=site, ended_on=datetime.date(2023, 1, 1))
    assert "ended_on" in caught.value.message_dict
