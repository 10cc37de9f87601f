"""Model field factories the domain apps share (an org, an officer, a position)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def org_fk(label, related_name="+", **options):
    return models.ForeignKey(
        "organizations.Organization",
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name=related_name,
        **options,
    )


def user_fk(label):
    """A reference to the account that did something; the row outlives the account (deleting
    it empties the reference; history rows keep a text label too, core.history)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


officer_fk = user_fk


def latitude_field():
    return models.FloatField(
        _("纬度"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )


def longitude_field():
    return models.FloatField(
        _("经度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
