import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.organizations import selectors, services
from gonghui.organizations.models import PATH_STEP, Organization


def grassroots(parent, name, actor=SYSTEM, **extra):
    return services.org_create(
        actor=actor,
        parent=parent,
        name=name,
        level="grassroots",
        org_type="single",
        region_code=parent.region_code,
        **extra,
    )


def assert_paths_consistent():
    """Every org's path is its parent's path plus one segment, and depth matches."""
    for org in Organization.objects.select_related("parent"):
        if org.parent is None:
            assert len(org.path) == PATH_STEP and org.depth == 0
        else:
            assert org.path.startswith(org.parent.path), org
            assert len(org.path) == len(org.parent.path) + PATH_STEP, org
            assert org.depth == org.parent.depth + 1, org


@pytest.mark.django_db
class TestHierarchy:
    def test_subtree_is_one_prefix_query(self, personas, django_assert_num_queries):
        with django_assert_num_queries(1):
            names = set(Organization.objects.subtree(personas.hunan).values_list("name", flat=True))
        assert names == {"湖南省总工会", "长沙市总工会", "浏阳市总工会", "新屋岭社区工会联合会"}

    def test_child_level_must_be_below_parent(self, personas):
        with pytest.raises(ValidationError) as error:
            services.org_create(
                actor=SYSTEM,
                parent=personas.yancheng,
                name="错误",
                level="city",
                org_type="federation",
                region_code="411100",
            )
        assert "level" in error.value.message_dict

    def test_moving_a_subtree_of_a_thousand_orgs_keeps_every_path_right(self, personas):
        street = services.org_create(
            actor=SYSTEM,
            parent=personas.yancheng,
            name="沙北街道工会",
            level="street",
            org_type="regional",
            region_code="411103",
        )
        communities = [
            services.org_create(
                actor=SYSTEM,
                parent=street,
                name=f"社区{i}",
                level="community",
                org_type="community",
                region_code="411103",
            )
            for i in range(9)
        ]
        for community in communities:
            for j in range(110):
                grassroots(community, f"{community.name}企业{j}")
        subtree_size = Organization.objects.subtree(street).count()
        assert subtree_size == 1 + 9 + 990
        audit_before = AuditLog.objects.count()

        services.org_move(actor=SYSTEM, org=street, new_parent=personas.liuyang)

        street.refresh_from_db()
        assert street.parent_id == personas.liuyang.pk
        assert Organization.objects.subtree(street).count() == subtree_size
        assert Organization.objects.subtree(personas.yancheng).count() == 2  # itself + project
        assert (
            Organization.objects.subtree(personas.hunan)
            .filter(name__startswith="社区3企业")
            .count()
            == 110
        )
        assert_paths_consistent()
        # One audit row per org whose path changed; the root's row records the new parent.
        assert AuditLog.objects.count() - audit_before == subtree_size
        move_row = AuditLog.objects.get(action="move", object_id=str(street.pk))
        assert move_row.changes["parent"] == [personas.yancheng.pk, personas.liuyang.pk]

    def test_cannot_move_an_org_under_its_own_descendant(self, personas):
        with pytest.raises(ValidationError) as error:
            services.org_move(actor=SYSTEM, org=personas.luohe, new_parent=personas.yancheng)
        assert "parent" in error.value.message_dict
        assert_paths_consistent()

    def test_new_children_after_a_move_get_fresh_paths(self, personas):
        services.org_move(actor=SYSTEM, org=personas.yancheng_project, new_parent=personas.liuyang)
        later = grassroots(personas.liuyang, "后来的企业工会")
        assert later.path != personas.yancheng_project.path
        assert_paths_consistent()

    def test_dissolve_records_date_and_audit(self, personas):
        services.org_dissolve(
            actor=personas.luohe_officer,
            org=personas.yancheng_project,
            dissolved_on=datetime.date(2026, 6, 30),
        )
        personas.yancheng_project.refresh_from_db()
        assert personas.yancheng_project.dissolved_on == datetime.date(2026, 6, 30)
        row = AuditLog.objects.get(action="dissolve")
        assert row.actor == personas.luohe_officer
        assert row.changes["dissolved_on"] == [None, "2026-06-30"]

    def test_cannot_dissolve_a_union_with_active_sub_unions(self, personas):
        with pytest.raises(ValidationError):
            services.org_dissolve(
                actor=SYSTEM, org=personas.yancheng, dissolved_on=datetime.date(2026, 6, 30)
            )

    def test_cannot_create_under_a_dissolved_union(self, personas):
        services.org_dissolve(
            actor=SYSTEM, org=personas.xinwuling, dissolved_on=datetime.date(2026, 1, 1)
        )
        with pytest.raises(ValidationError) as error:
            grassroots(personas.xinwuling, "新工会")
        assert "parent" in error.value.message_dict

    def test_update_audits_old_and_new_values(self, personas):
        services.org_update(actor=personas.luohe_officer, org=personas.yancheng, chair="王芳")
        row = AuditLog.objects.filter(action="update").get()
        assert row.changes == {"chair": ["", "王芳"]}
        assert row.actor_label == "luohe_officer"

    def test_duplicate_credit_code_is_a_field_error(self, personas):
        code = "81411103MC0000007D"
        grassroots(personas.yancheng, "甲企业工会", credit_code=code)
        with pytest.raises(ValidationError) as error:
            grassroots(personas.yancheng, "乙企业工会", credit_code=code)
        assert "credit_code" in error.value.message_dict

    def test_search_in_traditional_finds_simplified_names(self, personas):
        for query, expected in [
            ("長沙", "长沙市总工会"),
            ("瀏陽", "浏阳市总工会"),
            ("新屋嶺", "新屋岭社区工会联合会"),
        ]:
            names = [o.name for o in selectors.org_list(user=personas.hunan_officer, q=query)]
            assert names == [expected], query

    def test_subtree_counts_group_by_level(self, personas):
        counts = selectors.org_subtree_counts(org=personas.hunan)
        assert counts["total"] == 3
        assert [(level, n) for level, _label, n in counts["by_level"]] == [
            ("city", 1),
            ("county", 1),
            ("community", 1),
        ]


@pytest.mark.django_db
class TestOrgApiBadInput:
    def create(self, api, personas, **overrides):
        body = {
            "parent_id": personas.yancheng.pk,
            "name": "测试企业工会",
            "level": "grassroots",
            "org_type": "single",
            "region_code": "411103",
        }
        body.update(overrides)
        return api(personas.luohe_officer).post("/api/orgs", body)

    def test_bad_credit_code_is_422_with_field_error(self, api, personas):
        response = self.create(api, personas, credit_code="91350100M000100Y44")
        assert response.status_code == 422
        assert "校验位" in response.json()["errors"]["credit_code"][0]

    def test_bad_region_code_is_422_with_field_error(self, api, personas):
        response = self.create(api, personas, region_code="99")
        assert response.status_code == 422
        assert "region_code" in response.json()["errors"]

    def test_unknown_level_is_422_with_field_error(self, api, personas):
        response = self.create(api, personas, level="galaxy")
        assert response.status_code == 422
        assert "level" in response.json()["errors"]

    def test_missing_name_is_422_with_field_error(self, api, personas):
        body = {
            "parent_id": personas.yancheng.pk,
            "level": "grassroots",
            "org_type": "single",
            "region_code": "411103",
        }
        client = api(personas.luohe_officer)
        with nothing_written():
            response = client.post("/api/orgs", body)
        assert response.status_code == 422
        assert response.json()["errors"]["name"] == ["此字段为必填项。"]

    def test_malformed_json_is_4xx_not_500(self, api, personas):
        client = api(personas.luohe_officer)
        with nothing_written():
            response = client.client.post(
                "/api/orgs",
                data="{not json",
                content_type="application/json",
                headers=client.headers,
            )
        assert 400 <= response.status_code < 500
        assert response.json()["detail"]

    def test_english_error_messages_when_asked(self, api, personas):
        client = api(personas.luohe_officer)
        client.headers["Accept-Language"] = "en"
        with nothing_written():
            response = client.post(
                "/api/orgs",
                {
                    "parent_id": personas.yancheng.pk,
                    "name": "x",
                    "level": "grassroots",
                    "org_type": "single",
                    "region_code": "411103",
                    "credit_code": "91350100M000100Y44",
                },
            )
        assert response.status_code == 422
        assert "check" in response.json()["errors"]["credit_code"][0].lower()

    def test_nothing_is_written_when_input_is_bad(self, api, personas):
        before = (Organization.objects.count(), AuditLog.objects.count())
        self.create(api, personas, credit_code="bad")
        assert (Organization.objects.count(), AuditLog.objects.count()) == before
