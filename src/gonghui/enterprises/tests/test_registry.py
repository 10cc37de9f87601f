import h3
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM
from gonghui.enterprises import services
from gonghui.enterprises.models import H3_RESOLUTION, Enterprise

from .factories import credit_code, enterprise

pytestmark = pytest.mark.django_db


def test_enterprise_create_writes_an_audit_row(personas):
    created = enterprise(personas.yancheng, actor=personas.yancheng_officer, name="漯河示例食品厂")
    entry = AuditLog.objects.get(object_id=str(created.pk), content_type__model="enterprise")
    assert entry.action == "create"
    assert entry.org_path == personas.yancheng.path
    assert entry.changes["name"] == [None, "漯河示例食品厂"]


def test_location_puts_the_enterprise_in_its_h3_cell(personas):
    created = enterprise(personas.yancheng, latitude=33.587, longitude=114.0069)
    assert created.h3_cell == h3.latlng_to_cell(33.587, 114.0069, H3_RESOLUTION)


def test_bad_credit_code_is_a_field_error(personas):
    with pytest.raises(ValidationError) as caught:
        enterprise(personas.yancheng, credit_code="91411103MA00000001")
    assert "credit_code" in caught.value.message_dict
    assert not Enterprise.objects.exists()


def test_duplicate_credit_code_is_refused(personas):
    code = credit_code()
    enterprise(personas.yancheng, credit_code=code)
    with pytest.raises(ValidationError) as caught:
        enterprise(personas.liuyang, credit_code=code.lower())
    assert "credit_code" in caught.value.message_dict
    assert Enterprise.objects.count() == 1


def test_negative_employee_count_is_refused(personas):
    with pytest.raises(ValidationError) as caught:
        enterprise(personas.yancheng, employees=-1)
    assert "employees" in caught.value.message_dict


def test_officer_cannot_register_an_enterprise_outside_the_scope(personas):
    from django.http import Http404

    with pytest.raises(Http404):
        enterprise(personas.liuyang, actor=personas.luohe_officer)
    assert not Enterprise.objects.exists()


def test_covering_union_must_be_in_the_officers_scope(personas):
    with pytest.raises(ValidationError) as caught:
        enterprise(personas.yancheng, actor=personas.luohe_officer, union=personas.xinwuling)
    assert "union" in caught.value.message_dict


def test_update_records_only_the_changed_fields(personas):
    created = enterprise(personas.yancheng, employees=24)
    services.enterprise_update(actor=SYSTEM, enterprise=created, employees=25)
    entry = AuditLog.objects.filter(object_id=str(created.pk), action="update").get()
    assert entry.changes == {"employees": [24, 25]}


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_generated_credit_codes_with_the_right_check_char_validate(first17):
    from gonghui.core.validators import credit_code_check_char, is_valid_credit_code

    code = "91" + "411103" + first17[8:]
    code = code[:17] + credit_code_check_char(code[:17])
    assert is_valid_credit_code(code)
