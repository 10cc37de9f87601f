from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet
from gonghui.core.text import search_key
from gonghui.core.validators import validate_credit_code, validate_region_code

from .choices import OrgLevel, OrgType

# Each level of the tree takes this many base-36 characters of the path: 36^4 = 1.68M children
# per parent, enough for the grassroots unions of the largest county.
PATH_STEP = 4
PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class OrganizationQuerySet(ScopedQuerySet):
    def subtree(self, org: "Organization") -> "OrganizationQuerySet":
        return self.filter(path__subtree_of=org.path)

    def active(self) -> "OrganizationQuerySet":
        return self.filter(dissolved_on__isnull=True)


class Organization(TimeStampedModel):
    """A union organisation (工会组织) at any level, from 全国总工会 to an enterprise union.

    The hierarchy is a materialized path: ``path`` is the parent's path plus a fixed-width
    segment, so a subtree is the prefix filter ``path__subtree_of`` on an indexed column and a
    move rewrites the prefix of the whole subtree in one UPDATE.
    """

    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级深度"), editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    level = models.CharField(_("级别"), max_length=20, choices=OrgLevel.choices)
    org_type = models.CharField(_("类型"), max_length=20, choices=OrgType.choices)
    region_code = models.CharField(
        _("行政区划代码"), max_length=6, validators=[validate_region_code], db_index=True
    )
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    chair = models.CharField(_("工会主席"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    liaison_department = models.CharField(
        _("对口联系单位"),
        max_length=120,
        blank=True,
        help_text=_("与县级工会结对的省级联系部门"),
    )
    # Simplified, lower-cased name and short name: Traditional or Simplified queries both match.
    search_text = models.CharField(max_length=400, editable=False, db_index=True)

    objects = OrganizationQuerySet.as_manager()
    scope_path_lookup = "path"

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="org_credit_code_unique_when_set",
            ),
            models.CheckConstraint(
                condition=models.Q(dissolved_on__isnull=True)
                | models.Q(founded_on__isnull=True)
                | models.Q(dissolved_on__gte=models.F("founded_on")),
                name="org_dissolved_after_founded",
            ),
        ]
        indexes = [models.Index(fields=["level", "org_type"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_key(f"{self.name} {self.short_name}")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("organizations:detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    def ancestor_paths(self) -> list[str]:
        return [self.path[:end] for end in range(PATH_STEP, len(self.path), PATH_STEP)]

    def ancestors(self):
        return Organization.objects.filter(path__in=self.ancestor_paths()).order_by("depth")

    def is_descendant_of(self, other: "Organization") -> bool:
        return self.path.startswith(other.path) and self.path != other.path


def path_segment(number: int) -> str:
    if number < 0 or number >= len(PATH_ALPHABET) ** PATH_STEP:
        raise OverflowError("too many children under one parent")
    digits = []
    for _position in range(PATH_STEP):
        number, remainder = divmod(number, len(PATH_ALPHABET))
        digits.append(PATH_ALPHABET[remainder])
    return "".join(reversed(digits))


def segment_number(segment: str) -> int:
    number = 0
    for char in segment:
        number = number * len(PATH_ALPHABET) + PATH_ALPHABET.index(char)
    return number
