"""Test data built through the services, as a user of the app would build it."""

import datetime
import itertools

from gonghui.core.scoping import SYSTEM
from gonghui.core.validators import credit_code_check_char
from gonghui.enterprises import services

_serial = itertools.count(1)


def credit_code(region: str = "411103", serial: int | None = None) -> str:
    """A checksum-valid enterprise credit code (registration type 9 = 工商, 1 = 企业)."""
    serial = next(_serial) if serial is None else serial
    first17 = f"91{region}MA{serial:07d}"
    return first17 + credit_code_check_char(first17)


def enterprise(street_org, *, actor=SYSTEM, **fields):
    fields.setdefault("name", f"测试企业{next(_serial)}")
    fields.setdefault("credit_code", credit_code(street_org.region_code))
    fields.setdefault("industry", "C")
    fields.setdefault("employees", 30)
    fields.setdefault("established_on", datetime.date(2020, 1, 1))
    return services.enterprise_create(actor=actor, street_org=street_org, **fields)


def project(street_org, *, actor=SYSTEM, **fields):
    fields.setdefault("name", f"测试项目{next(_serial)}")
    fields.setdefault("workers", 40)
    fields.setdefault("started_on", datetime.date(2024, 1, 1))
    return services.project_create(actor=actor, street_org=street_org, **fields)
