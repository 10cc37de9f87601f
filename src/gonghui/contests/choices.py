from django.db import models
from django.utils.translation import gettext_lazy as _


class CraftsmanStatus(models.TextChoices):
    """工匠 selection runs in this order; ``REJECTED`` ends it at any step before the award."""

    NOMINATED = "nominated", _("推荐提名")
    REVIEW = "review", _("评审中")
    NOTICE = "notice", _("公示中")
    AWARDED = "awarded", _("已命名")
    REJECTED = "rejected", _("未通过")


CRAFTSMAN_NEXT = {
    CraftsmanStatus.NOMINATED: CraftsmanStatus.REVIEW,
    CraftsmanStatus.REVIEW: CraftsmanStatus.NOTICE,
    CraftsmanStatus.NOTICE: CraftsmanStatus.AWARDED,
}
