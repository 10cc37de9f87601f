import datetime

from gonghui.brain import rollups
from gonghui.brain.models import TOTAL_PERIOD, Rollup
from gonghui.campaigns import services as campaign_services
from gonghui.campaigns.tests.factories import campaign as make_campaign
from gonghui.core import figures
from gonghui.core.models import FigureDelta
from gonghui.core.scoping import SYSTEM
from gonghui.members.tests.factories import make_member

T = TOTAL_PERIOD


def test_rebuild_counts_each_member_in_every_ancestor(personas):
    for _n in range(3):
        make_member(personas.yancheng_project)
    make_member(personas.xinwuling)
    FigureDelta.objects.all().delete()
    rollups.rebuild()
    figures_read = rollups.read([personas.henan.path, personas.hunan.path])
    assert figures_read[personas.henan.path][("m.active", "T", T)] == 3
    assert figures_read[personas.hunan.path][("m.active", "T", T)] == 1
    national = rollups.read([personas.national.path])[personas.national.path]
    assert national[("m.active", "T", T)] == 4
    assert national[("m.active.g.courier", "T", T)] == 4
    assert rollups.drift() == {}


def test_reader_adds_unfolded_deltas_and_fold_keeps_the_figure(personas):
    rollups.rebuild()
    day = datetime.date(2026, 3, 5)
    figures.record(org_path=personas.yancheng.path, metric="s.checkin", day=day, delta=2)
    before = rollups.read([personas.henan.path], since=datetime.date(2026, 1, 1))
    assert before[personas.henan.path][("s.checkin", "T", T)] == 2
    assert before[personas.henan.path][("s.checkin", "M", datetime.date(2026, 3, 1))] == 2
    assert rollups.fold() == 1
    assert rollups.fold() == 0
    after = rollups.read([personas.henan.path], since=datetime.date(2026, 1, 1))
    assert after == before
    assert (
        Rollup.objects.get(org_path=personas.national.path, metric="s.checkin", grain="T").value
        == 2
    )


def test_move_marker_moves_the_subtree_totals(personas):
    rollups.rebuild()
    figures.record(org_path=personas.yancheng_project.path, metric="s.checkin", delta=5)
    rollups.fold()
    old = personas.yancheng_project.path
    new = personas.liuyang.path + "0009"
    figures.subtree_moved(old_path=old, new_path=new)
    rollups.fold()
    read = rollups.read([personas.henan.path, personas.hunan.path])
    assert read[personas.henan.path][("s.checkin", "T", T)] == 0
    assert read[personas.hunan.path][("s.checkin", "T", T)] == 5
    assert Rollup.objects.get(org_path=new, metric="s.checkin", grain="T").value == 5
    assert not Rollup.objects.filter(org_path=old).exists()


def test_transfer_moves_the_member_between_provinces_before_any_fold(personas):
    from gonghui.members import services as member_services

    rollups.rebuild()
    member = make_member(personas.yancheng_project)
    transfer = member_services.member_transfer_request(
        actor=personas.superuser, member=member, to_union=personas.xinwuling
    )
    member_services.member_transfer_accept(actor=personas.superuser, transfer=transfer)
    read = rollups.read([personas.henan.path, personas.hunan.path])
    assert read[personas.henan.path][("m.active", "T", T)] == 0
    assert read[personas.hunan.path][("m.active", "T", T)] == 1
    assert rollups.drift() == {}


def test_moving_a_union_moves_its_figures_to_the_new_ancestors(personas):
    from gonghui.organizations.services import org_move

    rollups.rebuild()
    for _n in range(2):
        make_member(personas.yancheng_project)
    rollups.fold()
    org_move(actor=personas.superuser, org=personas.yancheng_project, new_parent=personas.liuyang)
    read = rollups.read([personas.henan.path, personas.hunan.path])
    assert read[personas.henan.path][("m.active", "T", T)] == 0
    assert read[personas.hunan.path][("m.active", "T", T)] == 2
    assert rollups.drift() == {}


def test_refused_move_appends_no_delta(personas):
    import pytest
    from django.core.exceptions import ValidationError

    from gonghui.organizations.services import org_move

    before = FigureDelta.objects.count()
    with pytest.raises(ValidationError):
        org_move(
            actor=personas.superuser, org=personas.yancheng, new_parent=personas.yancheng_project
        )
    assert FigureDelta.objects.count() == before


def test_rebuild_of_one_subtree_corrects_the_ancestors_above(personas):
    from gonghui.members.models import Member

    rollups.rebuild()
    make_member(personas.xinwuling)
    make_member(personas.xinwuling)
    make_member(personas.yancheng_project)
    rollups.fold()
    # A write that bypassed the services (a data fix in SQL): the rollups drift.
    Member.objects.filter(union=personas.xinwuling).update(status="withdrawn")
    assert rollups.drift()
    rollups.rebuild(personas.liuyang.path)
    assert rollups.drift() == {}
    national = rollups.read([personas.national.path])[personas.national.path]
    assert national[("m.active", "T", T)] == 1


def test_a_campaign_whose_kind_changes_moves_its_deliveries_to_the_new_kind(personas):
    campaign = make_campaign(personas.changsha)
    item = campaign.items.first()
    for _n in range(2):
        campaign_services.delivery_record(
            actor=SYSTEM,
            campaign=campaign,
            item=item,
            beneficiary=campaign_services.Beneficiary(member=make_member(personas.xinwuling)),
        )
    rollups.fold()
    campaign_services.campaign_update(actor=SYSTEM, campaign=campaign, kind="winter_warmth")
    read = rollups.read([personas.hunan.path])[personas.hunan.path]
    assert read[("d.winter_warmth", "T", T)] == 2
    assert read[("d.summer_cooling", "T", T)] == 0
    assert rollups.drift() == {}
