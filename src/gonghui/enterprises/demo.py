"""Demo enterprises, projects and social organisations that reproduce the reports' figures:
银川经开区 25人以上企业工会组建率 100%, 连云区 小微企业工会组建率 >= 90%, 连云区 45 key social
organisations with 26 founded unions, and a few firms and projects in 漯河 and 浏阳.

Names are synthetic; credit codes are checksum-valid but made up. Idempotent: rows are keyed on
the credit code, projects on their name."""

import datetime

from gonghui.core.scoping import SYSTEM
from gonghui.core.validators import credit_code_check_char
from gonghui.organizations.models import Organization

from . import services
from .models import Enterprise, Project


def demo_code(prefix: str, region: str, serial: int) -> str:
    first17 = f"{prefix}{region}MA{serial:07d}"
    return first17 + credit_code_check_char(first17)


YINCHUAN_OWN_UNIONS = [
    ("宁夏小巨人机床有限公司", "宁夏小巨人机床有限公司工会", 1200, "C"),
    ("共享装备股份有限公司", "共享装备股份有限公司工会", 2600, "C"),
    ("宁夏隆基硅材料有限公司", "宁夏隆基硅材料有限公司工会", 1800, "C"),
]
YINCHUAN_REGIONAL = [
    ("银川经开区精密铸造有限公司", 86, "C"), ("银川经开区新材料科技有限公司", 142, "C"),
    ("银川经开区智能装备有限公司", 64, "C"), ("银川经开区物流服务有限公司", 38, "G"),
    ("银川经开区软件信息有限公司", 27, "I"),
]  # fmt: skip
YINCHUAN_SMALL = [
    ("银川经开区便民餐饮店", 9, "H", True), ("银川经开区五金加工坊", 12, "C", False),
    ("银川经开区图文快印部", 5, "L", True),
]  # fmt: skip
LIANYUN_PLACES = [
    "墟沟",
    "连岛",
    "云台",
    "港城",
    "海州湾",
    "宿城",
    "高公岛",
    "中山",
    "板桥",
    "朝阳",
]
LIANYUN_TRADES = [("海产品加工厂", "C"), ("物流配送站", "G"), ("餐饮店", "H")]
LIANYUN_SOCIAL = [
    "志愿服务协会",
    "社会工作服务中心",
    "养老服务中心",
    "青少年发展中心",
    "残疾人服务社",
]
LUOHE_FIRMS = [
    ("漯河市郾城区食品加工有限公司", 68, "C", None, "2015-04-01"),
    ("漯河市郾城区冷链物流有限公司", 45, "G", None, "2021-09-15"),
    ("漯河市郾城区社区超市", 12, "F", "small", "2019-03-01"),
]
# (name, employees, industry, covering union, area union when not the street's)
LIUYANG_FIRMS = [
    ("浏阳市集里花炮配送有限公司", 52, "G", "新屋岭快递物流行业工会", "新屋岭社区工会联合会"),
    ("浏阳市集里外卖配送站", 31, "G", "新屋岭外卖配送行业工会", "新屋岭社区工会联合会"),
    ("浏阳市集里家政服务社", 14, "O", None, None),
]


def _org(name):
    return Organization.objects.filter(name=name).first()


class _Loader:
    def __init__(self, stdout):
        self.stdout = stdout
        self.created = 0

    def enterprise(self, code, **fields):
        if Enterprise.objects.filter(credit_code=code).exists():
            return
        services.enterprise_create(actor=SYSTEM, credit_code=code, **fields)
        self.created += 1

    def project(self, street_org, name, **fields):
        if Project.objects.filter(street_org=street_org, name=name).exists():
            return
        services.project_create(actor=SYSTEM, street_org=street_org, name=name, **fields)
        self.created += 1


def _yinchuan(load: _Loader):
    park = _org("银川经济技术开发区工会")
    if park is None:
        return
    region, lat, lng = park.region_code, 38.468, 106.172
    for i, (name, union_name, employees, industry) in enumerate(YINCHUAN_OWN_UNIONS):
        load.enterprise(
            demo_code("91", region, 100 + i), name=name, street_org=park,
            union=_org(union_name) or park, employees=employees, industry=industry,
            established_on=datetime.date(2005 + i, 3, 1),
            latitude=lat + 0.01 * i, longitude=lng + 0.012 * i,
        )  # fmt: skip
    for i, (name, employees, industry) in enumerate(YINCHUAN_REGIONAL):
        load.enterprise(
            demo_code("91", region, 200 + i), name=name, street_org=park, union=park,
            employees=employees, industry=industry, established_on=datetime.date(2015, 1 + i, 1),
            latitude=lat - 0.008 * i, longitude=lng + 0.01 * i,
        )  # fmt: skip
    for i, (name, employees, industry, covered) in enumerate(YINCHUAN_SMALL):
        load.enterprise(
            demo_code("92", region, 300 + i), name=name, street_org=park, kind="small",
            union=park if covered else None, employees=employees, industry=industry,
            latitude=lat + 0.004 * i, longitude=lng - 0.01 * i,
        )  # fmt: skip


def _lianyun(load: _Loader):
    county = _org("连云区总工会")
    if county is None:
        return
    region, lat, lng = county.region_code, 34.76, 119.373
    couriers = _org("连云区快递行业工会联合会") or county
    trucks = _org("连云区货车司机工会联合会") or county
    social_union = _org("连云区社会组织联合工会") or county
    # 30 small and micro firms, 28 covered by the industry federations: 93.3%.
    for i in range(30):
        place = LIANYUN_PLACES[i % len(LIANYUN_PLACES)]
        trade, industry = LIANYUN_TRADES[i % len(LIANYUN_TRADES)]
        union = None if i in (7, 23) else (trucks if industry == "G" else couriers)
        load.enterprise(
            demo_code("92", region, 400 + i), name=f"连云区{place}{trade}{i // 10 + 1}号",
            street_org=county, kind="small", union=union, employees=6 + (i * 7) % 19,
            industry=industry, established_on=datetime.date(2016 + i % 8, 1 + i % 12, 1),
            latitude=lat + 0.006 * (i % 6), longitude=lng + 0.008 * (i // 6),
        )  # fmt: skip
    # 45 key social organisations (重点社会组织), 26 with a union.
    for i in range(45):
        place = LIANYUN_PLACES[i % len(LIANYUN_PLACES)]
        kind_name = LIANYUN_SOCIAL[i // len(LIANYUN_PLACES) % len(LIANYUN_SOCIAL)]
        load.enterprise(
            demo_code("52", region, 500 + i), name=f"连云区{place}{kind_name}",
            street_org=county, kind="social", is_key_social_org=True, industry="S",
            union=social_union if i < 26 else None, employees=8 + (i * 11) % 40,
            latitude=lat - 0.005 * (i % 9), longitude=lng - 0.007 * (i // 9),
        )  # fmt: skip


def _luohe(load: _Loader):
    town = _org("郾城区城关镇工会")
    county = _org("郾城区总工会")
    if town is None or county is None:
        return
    region, lat, lng = town.region_code, 33.587, 114.0069
    for i, (name, employees, industry, kind, since) in enumerate(LUOHE_FIRMS):
        load.enterprise(
            demo_code("91", region, 600 + i), name=name, street_org=town, kind=kind or "enterprise",
            employees=employees, industry=industry,
            established_on=datetime.date.fromisoformat(since),
            latitude=lat + 0.005 * i, longitude=lng + 0.006 * i,
        )  # fmt: skip
    load.project(
        county, "康养产业园智慧养老项目", kind="key", workers=180,
        started_on=datetime.date(2023, 2, 1), planned_end_on=datetime.date(2026, 12, 31),
        union=_org("康养产业园智慧养老项目工会"), latitude=33.605, longitude=113.986,
    )  # fmt: skip
    load.project(
        county, "漯河港航物流园区二期工程", kind="construction", workers=95,
        started_on=datetime.date(2022, 8, 1), planned_end_on=datetime.date(2027, 6, 30),
        union=_org("漯河港航物流园区项目工会"), latitude=33.56, longitude=114.06,
    )  # fmt: skip
    load.project(
        town, "城关镇老旧小区改造工程", kind="construction", workers=40,
        started_on=datetime.date(2025, 3, 1), planned_end_on=datetime.date(2026, 10, 31),
        latitude=33.59, longitude=114.01,
    )  # fmt: skip


def _liuyang(load: _Loader):
    street = _org("集里街道工会")
    if street is None:
        return
    region, lat, lng = street.region_code, 28.174, 113.652
    for i, (name, employees, industry, union_name, area) in enumerate(LIUYANG_FIRMS):
        load.enterprise(
            demo_code("91", region, 700 + i), name=name, street_org=_org(area) if area else street,
            employees=employees,
            industry=industry, union=_org(union_name) if union_name else None,
            kind="small" if employees < 25 else "enterprise",
            established_on=datetime.date(2018, 6, 1), latitude=lat + 0.003 * i,
            longitude=lng + 0.004 * i,
        )  # fmt: skip


def load_demo(stdout) -> int:
    """Create what is missing; return the number of rows created."""
    load = _Loader(stdout)
    for part in (_yinchuan, _lianyun, _luohe, _liuyang):
        part(load)
    stdout.write(f"enterprises demo: {load.created} enterprises/projects created")
    return load.created
