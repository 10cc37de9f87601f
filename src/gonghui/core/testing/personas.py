"""Test personas on a small org tree, as Healthchecks' alice/bob/charlie.

    national
    ├── henan (province)
    │   └── luohe (city)                 <- luohe_officer (city officer)
    │       └── yancheng (county)        <- yancheng_officer
    │           └── yancheng_project (grassroots, project union)
    └── hunan (province)                 <- hunan_officer, hunan_auditor
        └── changsha (city)
            └── liuyang (county)
                └── xinwuling (community)

A worker (no officer scope) and a superuser complete the cast.
"""

from dataclasses import dataclass

from gonghui.accounts.models import User
from gonghui.accounts.services import user_create
from gonghui.core.scoping import SYSTEM
from gonghui.organizations.models import Organization
from gonghui.organizations.services import org_create

PASSWORD = "persona-password-1"


@dataclass
class Personas:
    national: Organization
    henan: Organization
    luohe: Organization
    yancheng: Organization
    yancheng_project: Organization
    hunan: Organization
    changsha: Organization
    liuyang: Organization
    xinwuling: Organization
    superuser: User
    luohe_officer: User
    yancheng_officer: User
    hunan_officer: User
    hunan_auditor: User
    worker: User


def org(parent, name, level, region, org_type="federation"):
    return org_create(
        actor=SYSTEM, parent=parent, name=name, level=level, org_type=org_type, region_code=region
    )


def build_personas() -> Personas:
    national = org(None, "中华全国总工会", "national", "100000")
    henan = org(national, "河南省总工会", "province", "410000")
    luohe = org(henan, "漯河市总工会", "city", "411100")
    yancheng = org(luohe, "郾城区总工会", "county", "411103")
    project = org(yancheng, "康养产业园智慧养老项目工会", "grassroots", "411103", "project")
    hunan = org(national, "湖南省总工会", "province", "430000")
    changsha = org(hunan, "长沙市总工会", "city", "430100")
    liuyang = org(changsha, "浏阳市总工会", "county", "430181")
    xinwuling = org(liuyang, "新屋岭社区工会联合会", "community", "430181", "community")

    def user(username, role, organization, **extra):
        return user_create(
            actor=SYSTEM,
            username=username,
            password=PASSWORD,
            role=role,
            organization=organization,
            **extra,
        )

    return Personas(
        national=national,
        henan=henan,
        luohe=luohe,
        yancheng=yancheng,
        yancheng_project=project,
        hunan=hunan,
        changsha=changsha,
        liuyang=liuyang,
        xinwuling=xinwuling,
        superuser=user("root", "superuser", None, is_staff=True, is_superuser=True),
        luohe_officer=user("luohe_officer", "city_officer", luohe),
        yancheng_officer=user("yancheng_officer", "county_officer", yancheng),
        hunan_officer=user("hunan_officer", "province_officer", hunan),
        hunan_auditor=user("hunan_auditor", "auditor", hunan),
        worker=user("worker", "worker", None, phone="13800138000"),
    )
