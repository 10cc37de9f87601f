import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404

from gonghui.core.models import AuditLog
from gonghui.core.testing.asserts import nothing_written
from gonghui.triage import services
from gonghui.triage.models import Alert, AlertStatus, CaseSuggestion

from .conftest import MONDAY

DAY = datetime.timedelta(days=1)
# One employer as five workers would write it: legal form, branch, Traditional, full width.
VARIANTS = [
    "郾城宏达建筑劳务有限公司",
    "宏达建筑劳务公司",
    "宏達建築勞務有限公司（郾城分公司）",
    "漯河市宏达建筑劳务有限责任公司",
    "宏达建筑劳务（郾城项目部）",
]


def triaged(case, **kwargs):
    services.on_case_created(case, **kwargs)
    return case


@pytest.mark.parametrize("name", VARIANTS)
def test_name_variants_fold_to_one_key(name):
    places = ["漯河市", "郾城区", "河南省", "漯河", "郾城", "河南"]
    assert services.employer_key(name, places) == "宏达建筑劳务"


def test_place_names_come_from_the_county_and_above(personas):
    places = services.place_names(personas.yancheng)
    assert {"郾城区", "郾城", "漯河市", "漯河", "河南"} <= set(places)


def test_five_arrears_appeals_from_one_workplace_raise_an_alert(submit, personas):
    for i in range(5):
        triaged(submit("工资拖欠", employer=f"第{i}家", union=personas.yancheng_project))
    alert = Alert.objects.get()
    assert alert.key == f"org:{personas.yancheng_project.pk}"
    assert alert.employer == personas.yancheng_project.name


def test_a_trade_word_alone_is_no_employer():
    assert services.employer_key("家政公司") == ""
    assert services.employer_key("装修公司") == ""


def test_five_appeals_naming_one_employer_in_three_days_raise_exactly_one_alert(submit, personas):
    cases = []
    for i, name in enumerate([*VARIANTS[:4], "宏达建筑劳务有限公司"]):
        day = MONDAY + DAY * (i % 3)
        cases.append(triaged(submit(f"{name}欠我们工资两个月了", employer=name, day=day)))
    alerts = list(Alert.objects.all())
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.county == personas.yancheng and alert.status == AlertStatus.OPEN
    assert set(alert.cases.values_list("pk", flat=True)) == {c.pk for c in cases}
    assert alert.first_on == MONDAY and alert.last_on == MONDAY + 2 * DAY
    rows = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Alert))
    assert rows.filter(object_id=str(alert.pk), action="create").count() == 1


def test_four_appeals_raise_no_alert(submit):
    for name in VARIANTS[:4]:
        triaged(submit("欠薪", employer=name))
    assert not Alert.objects.exists()


def test_five_appeals_spread_over_five_days_raise_no_alert(submit):
    for i, name in enumerate(VARIANTS):
        triaged(submit("欠薪两个月", employer=name, day=MONDAY + DAY * i))
    assert not Alert.objects.exists()


def test_a_sixth_appeal_joins_the_open_alert(submit):
    for name in VARIANTS:
        triaged(submit("工资拖欠", employer=name))
    sixth = triaged(submit("也欠我的工资", employer="宏达建筑劳务有限公司", day=MONDAY + DAY))
    alert = Alert.objects.get()
    assert alert.cases.count() == 6 and alert.cases.filter(pk=sixth.pk).exists()


def test_running_the_rule_twice_changes_nothing(submit):
    cases = [triaged(submit("欠薪", employer=name)) for name in VARIANTS]
    services.on_case_created(cases[-1])
    assert Alert.objects.count() == 1 and Alert.objects.get().cases.count() == 5
    assert CaseSuggestion.objects.count() == 5


def test_a_credit_code_in_the_text_links_differently_named_appeals(submit, personas):
    code = "91411100MA9K3X2Q7N"
    from gonghui.core.validators import credit_code_check_char

    code = code[:17] + credit_code_check_char(code[:17])
    for i in range(5):
        triaged(submit(f"统一社会信用代码{code}的单位欠薪", employer=f"不同叫法{i}号单位"))
    assert Alert.objects.get().key == f"code:{code}"


def test_the_same_employer_in_two_counties_is_two_counties_business(submit, personas):
    for name in VARIANTS[:3]:
        triaged(submit("欠薪", employer=name))
    for name in VARIANTS[3:]:
        triaged(submit("欠薪", employer=name, union=personas.xinwuling))
    assert not Alert.objects.exists()


def test_an_appeal_filed_as_other_but_about_arrears_counts(submit):
    for name in VARIANTS[:4]:
        triaged(submit("欠薪", employer=name))
    triaged(submit("宏达建筑劳务有限公司拖欠我三个月工资，老板跑了", code="other", employer=""))
    assert Alert.objects.get().cases.count() == 5


@pytest.fixture
def alert(submit):
    for name in VARIANTS:
        triaged(submit("欠薪", employer=name))
    return Alert.objects.get()


def test_an_officer_merges_the_alert_into_one_group_case(alert, personas):
    lead = alert.cases.order_by("pk").first()
    services.alert_merge(actor=personas.yancheng_officer, alert=alert, lead_case_id=lead.pk)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.MERGED and alert.lead_case == lead
    assert alert.closed_by == personas.yancheng_officer
    rows = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Alert))
    assert rows.filter(object_id=str(alert.pk), action="update", actor=personas.yancheng_officer)


def test_after_a_merge_two_more_appeals_open_no_new_alert(alert, personas, submit):
    lead = alert.cases.first()
    services.alert_merge(actor=personas.yancheng_officer, alert=alert, lead_case_id=lead.pk)
    for name in VARIANTS[:2]:
        triaged(submit("还是欠薪", employer=name, day=MONDAY + DAY))
    assert Alert.objects.count() == 1


def test_merge_outside_scope_is_404_and_writes_nothing(alert, personas):
    lead = alert.cases.first()
    with nothing_written(), pytest.raises(Http404):
        services.alert_merge(actor=personas.hunan_officer, alert=alert, lead_case_id=lead.pk)


def test_merge_with_a_case_not_in_the_alert_is_a_field_error(alert, personas, submit):
    stranger = submit("别的事", code="other")
    with nothing_written(), pytest.raises(ValidationError) as exc:
        services.alert_merge(actor=personas.yancheng_officer, alert=alert, lead_case_id=stranger.pk)
    assert "lead_case" in exc.value.message_dict


def test_dismissing_needs_a_reason(alert, personas):
    with nothing_written(), pytest.raises(ValidationError) as exc:
        services.alert_dismiss(actor=personas.yancheng_officer, alert=alert, note="  ")
    assert "note" in exc.value.message_dict
    services.alert_dismiss(actor=personas.yancheng_officer, alert=alert, note="两家不同单位")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DISMISSED and alert.note == "两家不同单位"


def test_a_submitted_case_is_triaged_after_commit(submit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit("包工头跑路了，欠我们十几个人工资", employer="某建筑队")
    suggestion = CaseSuggestion.objects.get(case=case)
    assert suggestion.case_type_code == "wage_arrears" and suggestion.closest
