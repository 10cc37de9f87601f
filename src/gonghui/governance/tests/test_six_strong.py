import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gonghui.accounts.services import user_create
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.core.testing.personas import PASSWORD
from gonghui.governance import selectors, services
from gonghui.governance.models import Department, Evaluation, IndicatorScore, Pairing

YEAR = 2026


@pytest.fixture
def officers(personas):
    def make(name, role, org):
        return user_create(actor=SYSTEM, username=name, password=PASSWORD, role=role,
                           organization=org)  # fmt: skip

    return {
        "county": make("ly", "county_officer", personas.liuyang),
        "city": make("cs", "city_officer", personas.changsha),
        "province": personas.hunan_officer,
    }


@pytest.fixture
def evaluation(personas, officers):
    services.indicator_create(actor=officers["province"], province=personas.hunan, year=YEAR,
                              dimension="political", name="思想引领", measure="evidence",
                              weight=Decimal("15"))  # fmt: skip
    services.indicator_create(actor=officers["province"], province=personas.hunan, year=YEAR,
                              dimension="position", name="阵地", measure="stations",
                              weight=Decimal("5"), target=Decimal("5"))  # fmt: skip
    return services.evaluation_open(actor=officers["county"], county=personas.liuyang, year=YEAR)


def manual(evaluation):
    return evaluation.scores.get(indicator__measure="evidence")


@pytest.mark.django_db
class TestEvaluation:
    def test_data_driven_indicator_is_measured_on_opening(self, evaluation):
        stations = evaluation.scores.get(indicator__measure="stations")
        assert stations.measured == 0 and stations.self_score == 0
        assert manual(evaluation).self_score is None

    def test_score_outside_range_is_refused(self, evaluation, officers):
        score = manual(evaluation)
        with nothing_written(), pytest.raises(ValidationError) as caught:
            services.score_set(actor=officers["county"], score=score, value=Decimal("15.5"))
        assert "value" in caught.value.message_dict
        assert IndicatorScore.objects.get(pk=score.pk).self_score is None

    def test_stages_run_county_city_province_and_sum(self, evaluation, officers):
        services.score_set(actor=officers["county"], score=manual(evaluation), value=Decimal(14))
        services.evaluation_advance(actor=officers["county"], evaluation=evaluation, comment="自评")
        with nothing_written(), pytest.raises(ValidationError):
            services.score_set(actor=officers["county"], score=manual(evaluation), value=Decimal(1))
        services.score_set(actor=officers["city"], score=manual(evaluation), value=Decimal(13))
        services.evaluation_advance(actor=officers["city"], evaluation=evaluation, comment="市审")
        services.score_set(actor=officers["province"], score=manual(evaluation), value=Decimal(12))
        services.evaluation_advance(actor=officers["province"], evaluation=evaluation,
                                    comment="同意")  # fmt: skip
        evaluation.refresh_from_db()
        assert evaluation.status == "signed_off" and evaluation.total == Decimal(12)
        assert evaluation.city_comment == "市审"

    def test_editing_after_sign_off_is_refused(self, evaluation, officers):
        services.score_set(actor=SYSTEM, score=manual(evaluation), value=Decimal(14))
        for _stage in range(3):
            services.evaluation_advance(actor=SYSTEM, evaluation=evaluation)
        with nothing_written(), pytest.raises(ValidationError) as caught:
            services.score_set(actor=officers["province"], score=manual(evaluation), value=1)
        assert "status" in caught.value.message_dict
        assert manual(evaluation).province_score is None

    def test_submitting_with_unscored_indicator_is_refused(self, evaluation, officers):
        with nothing_written(), pytest.raises(ValidationError):
            services.evaluation_advance(actor=officers["county"], evaluation=evaluation)
        assert Evaluation.objects.get(pk=evaluation.pk).status == "draft"

    def test_league_table_year_on_year(self, personas, evaluation, officers):
        services.score_set(actor=SYSTEM, score=manual(evaluation), value=Decimal(10))
        Evaluation.objects.create(county=personas.liuyang, year=YEAR - 1, total=Decimal(7))
        table = selectors.league_table(user=officers["province"], year=YEAR)
        assert table[0]["evaluation"].total == Decimal(10) and table[0]["change"] == Decimal(3)
        assert selectors.league_table(user=personas.luohe_officer, year=YEAR) == []

    def test_evaluation_page_outside_scope_is_404(self, personas, evaluation):
        client = Client()
        client.force_login(personas.luohe_officer)
        response = client.get(f"/governance/six-strong/{evaluation.pk}/")
        assert response.status_code == 404 and "浏阳" not in response.content.decode()

    def test_api_score_outside_range_is_4xx_with_field(self, evaluation, officers, api):
        from gonghui.accounts.services import token_issue

        client = Client(headers={"Authorization": f"Bearer {token_issue(user=officers['county'])}"})
        score = manual(evaluation)
        with nothing_written():
            response = client.post(f"/api/governance/scores/{score.pk}", {"value": "99"},
                                   content_type="application/json")  # fmt: skip
        assert 400 <= response.status_code < 500
        assert "value" in response.json()["errors"]


@pytest.mark.django_db
class TestPairing:
    def test_coverage_counts_and_lists_the_unpaired(self, personas):
        department = services.department_create(
            actor=personas.hunan_officer, province=personas.hunan, name="省财政厅"
        )
        coverage = selectors.pairing_coverage(user=personas.hunan_officer, province=personas.hunan)
        assert (coverage["paired"], coverage["counties"]) == (0, 1)
        services.pairing_set(actor=personas.hunan_officer, county=personas.liuyang,
                             department=department, since=datetime.date(2026, 3, 1))  # fmt: skip
        coverage = selectors.pairing_coverage(user=personas.hunan_officer, province=personas.hunan)
        assert (coverage["paired"], coverage["counties"]) == (1, 1)
        assert list(coverage["unpaired"]) == []

    def test_pairing_with_another_provinces_department_is_refused(self, personas):
        henan_department = Department.objects.create(province=personas.henan, name="河南某厅")
        with nothing_written(), pytest.raises(ValidationError) as caught:
            services.pairing_set(
                actor=SYSTEM,
                county=personas.liuyang,
                department=henan_department,
                since=datetime.date(2026, 3, 1),
            )
        assert "department" in caught.value.message_dict
        assert not Pairing.objects.exists()

    def test_pairing_page_shows_coverage(self, personas):
        client = Client()
        client.force_login(personas.hunan_officer)
        body = client.get("/governance/pairings/").content.decode()
        assert "已结对 0/1 个县级工会" in body and "浏阳市总工会" in body
