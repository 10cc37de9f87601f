from django.urls import reverse

from gonghui.campaigns.models import CustomCampaignKind
from gonghui.core.models import AuditLog


def test_officer_creates_a_campaign_kind_from_the_page(client, personas):
    client.force_login(personas.yancheng_officer)
    listing = client.get(reverse("campaigns:campaign-list")).content.decode()
    assert reverse("campaigns:kind-create") in listing
    response = client.post(
        reverse("campaigns:kind-create"), {"org": personas.yancheng.pk, "name": "送法律"}
    )
    assert response.status_code == 302
    kind = CustomCampaignKind.objects.get(name="送法律")
    assert kind.org == personas.yancheng
    assert AuditLog.objects.filter(org_path=personas.yancheng.path).exists()


def test_a_kind_for_an_org_outside_the_scope_or_without_a_name_writes_nothing(client, personas):
    client.force_login(personas.yancheng_officer)
    audit_rows = AuditLog.objects.count()
    outside = client.post(
        reverse("campaigns:kind-create"), {"org": personas.changsha.pk, "name": "送法律"}
    )
    assert outside.status_code == 422
    assert personas.changsha.name not in outside.content.decode()
    empty = client.post(reverse("campaigns:kind-create"), {"org": personas.yancheng.pk, "name": ""})
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.content.decode()
    assert not CustomCampaignKind.objects.exists()
    assert AuditLog.objects.count() == audit_rows
