"""Demo stations from the reports: 冷水滩 (24, 十五分钟工会服务圈), 汨罗 (32 暖心驿站, 爱心地图),
银川经开区 (13 职工之家, 10分钟服务圈), 漯河 (劳动驿站) and 东安县 (7 四点半学校).

Coordinates are plausible, not surveyed: scattered with a fixed seed around each union's seat.
Idempotent: a station is matched on (operator, name) and never created twice.
"""

from __future__ import annotations

import random

from django.db import transaction

from gonghui.core.scoping import SYSTEM
from gonghui.organizations.models import Organization

from .choices import StationType
from .models import Station
from .services import facilities_seed, station_create

OUTDOOR = ["rest", "water", "hot_water", "charging", "toilet", "microwave", "first_aid"]
HOME = ["rest", "water", "hot_water", "reading", "air_conditioning", "wifi", "toilet"]
SCHOOL = ["reading", "water", "toilet", "air_conditioning", "first_aid"]

# Literal names, not the translated labels: demo data must not depend on the active language.
TYPE_NAMES = {
    StationType.WORKERS_HOME: "职工之家",
    StationType.LABOUR_STATION: "劳动驿站",
    StationType.OUTDOOR_STATION: "户外劳动者驿站",
    StationType.WARM_HEART: "暖心驿站",
    StationType.CULTURAL_PALACE: "工人文化宫",
    StationType.READING_ROOM: "职工书屋",
    StationType.AFTER_SCHOOL: "四点半学校",
    StationType.OTHER: "服务点",
}
MILUO_PLACES = (
    "归义 罗江 新市 白塘 弼时 长乐 大荆 古培 屈子祠 川山坪 三江 桃林寺 神鼎山 汨罗江大道 高泉路 "
    "循环经济产业园 火车站 汽车站 人民路 建设路 城郊 八景 李家段 天井 向家 黄柏 罗城 友谊河 花桥 "
    "玉池 新塘 红花"
)
DONGAN_TOWNS = ["白牙市镇", "紫溪市镇", "芦洪市镇", "大庙口镇", "井头圩镇", "端桥铺镇", "新圩江镇"]

# (operator name, fallback seat if the org has no coordinates, spread in degrees, stations)
# where each station is (name, type, hours, facilities).
PLACES = [
    (
        "冷水滩区总工会",
        (26.4610, 111.5923),
        0.035,
        [
            (f"冷水滩区{place}{TYPE_NAMES[kind]}", kind, hours, facilities)
            for place, kind, hours, facilities in [
                ("梅湾街道", StationType.OUTDOOR_STATION, "每天 00:00-24:00", OUTDOOR),
                ("凤凰街道", StationType.OUTDOOR_STATION, "每天 07:00-21:00", OUTDOOR),
                ("菱角山街道", StationType.OUTDOOR_STATION, "每天 07:00-21:00", OUTDOOR),
                ("杨家桥街道", StationType.LABOUR_STATION, "每天 08:00-20:00", OUTDOOR),
                ("珊瑚街道", StationType.OUTDOOR_STATION, "每天 07:00-21:00", OUTDOOR),
                ("曲河街道", StationType.LABOUR_STATION, "每天 08:00-20:00", OUTDOOR),
                ("肖家园街道", StationType.OUTDOOR_STATION, "每天 00:00-24:00", OUTDOOR),
                ("河东", StationType.WORKERS_HOME, "周一至周五 08:30-12:00,14:30-18:00", HOME),
                ("高溪市镇", StationType.WORKERS_HOME, "周一至周五 08:30-12:00,14:30-18:00", HOME),
                ("黄阳司镇", StationType.OUTDOOR_STATION, "每天 07:00-20:00", OUTDOOR),
                ("岚角山街道", StationType.OUTDOOR_STATION, "每天 07:00-21:00", OUTDOOR),
                ("上岭桥镇", StationType.LABOUR_STATION, "每天 08:00-19:00", OUTDOOR),
                ("普利桥镇", StationType.OUTDOOR_STATION, "每天 07:00-20:00", OUTDOOR),
                ("牛角坝镇", StationType.OUTDOOR_STATION, "每天 07:00-20:00", OUTDOOR),
                ("伊塘镇", StationType.OUTDOOR_STATION, "每天 07:00-20:00", OUTDOOR),
                ("蔡市镇", StationType.OUTDOOR_STATION, "每天 07:00-20:00", OUTDOOR),
                ("花桥街镇", StationType.LABOUR_STATION, "每天 08:00-19:00", OUTDOOR),
                ("竹山桥", StationType.OUTDOOR_STATION, "每天 07:00-21:00", OUTDOOR),
                ("杨村甸", StationType.OUTDOOR_STATION, "每天 07:00-21:00", OUTDOOR),
                ("长丰工业园", StationType.WORKERS_HOME, "周一至周六 08:00-20:00", HOME),
                ("零陵北路", StationType.READING_ROOM, "周二至周日 09:00-21:00", HOME),
                ("永州火车站", StationType.OUTDOOR_STATION, "每天 00:00-24:00", OUTDOOR),
                ("潇湘大道", StationType.OUTDOOR_STATION, "每天 07:00-22:00", OUTDOOR),
                ("逸云路", StationType.CULTURAL_PALACE, "周二至周日 09:00-17:30", HOME),
            ]
        ],
    ),
    (
        "汨罗市总工会",
        (28.8063, 113.0670),
        0.05,
        [
            (f"汨罗市{place}暖心驿站", StationType.WARM_HEART, hours, OUTDOOR)
            for place, hours in zip(
                MILUO_PLACES.split(),
                ["每天 07:00-20:00", "每天 00:00-24:00", "每天 06:30-21:30", "每天 07:00-21:00"]
                * 8,
                strict=True,
            )
        ],
    ),
    (
        "银川经济技术开发区工会",
        (38.4680, 106.1720),
        0.025,
        [
            (f"{place}职工之家", StationType.WORKERS_HOME, hours, HOME)
            for place, hours in [
                ("银川经开区总工会", "周一至周五 08:30-12:00,14:30-18:30"),
                ("小巨人机床", "每天 08:00-22:00"),
                ("共享装备", "每天 08:00-22:00"),
                ("隆基硅材料", "每天 00:00-24:00"),
                ("经开区贺兰山路", "周一至周六 08:30-20:00"),
                ("经开区宝湖", "周一至周六 08:30-20:00"),
                ("经开区兴源", "周一至周六 08:30-20:00"),
                ("经开区经天路", "周一至周五 08:30-18:30"),
                ("经开区开元", "周一至周五 08:30-18:30"),
                ("经开区金凤", "周一至周五 08:30-18:30"),
                ("经开区物流园", "每天 07:00-21:00"),
                ("经开区创业园", "周一至周五 08:30-18:30"),
                ("经开区高新技术园", "周一至周五 08:30-18:30"),
            ]
        ],
    ),
    (
        "漯河市总工会",
        (33.5815, 114.0166),
        0.03,
        [
            (f"漯河市{place}劳动驿站", StationType.LABOUR_STATION, "每天 07:00-21:00", OUTDOOR)
            for place in ["交通路", "人民路", "黄河路", "嵩山路", "滨河路", "长江路"]
        ],
    ),
    (
        "郾城区总工会",
        (33.5870, 114.0069),
        0.03,
        [
            (f"郾城区{place}劳动驿站", StationType.LABOUR_STATION, "每天 07:00-21:00", OUTDOOR)
            for place in ["城关镇", "沙北街道", "孟庙镇", "商桥镇", "新店镇", "黑龙潭镇"]
        ],
    ),
    (
        "东安县总工会",
        (26.3920, 111.3160),
        0.08,
        [
            (f"东安县{place}四点半学校", StationType.AFTER_SCHOOL, "周一至周五 16:30-18:30", SCHOOL)
            for place in DONGAN_TOWNS
        ],
    ),
]


def _seat(org: Organization, fallback: tuple[float, float]) -> tuple[float, float]:
    if org.latitude is not None and org.longitude is not None:
        return float(org.latitude), float(org.longitude)
    return fallback


def _address(operator_name: str, name: str, kind: StationType) -> str:
    area = operator_name.removesuffix("总工会").removesuffix("工会")
    place = name.removesuffix(TYPE_NAMES[kind])
    return place if place.startswith(area[:2]) else area + place


@transaction.atomic
def load_demo(stdout) -> int:
    facilities_seed()
    created = 0
    for operator_name, fallback, spread, stations in PLACES:
        operator = Organization.objects.filter(name=operator_name).order_by("depth").first()
        if operator is None:
            stdout.write(f"stations demo: {operator_name} not in the org tree, skipped\n")
            continue
        lat0, lon0 = _seat(operator, fallback)
        rng = random.Random(operator_name)  # same coordinates on every run
        for name, kind, hours, facilities in stations:
            lat = round(lat0 + rng.uniform(-spread, spread), 6)
            lon = round(lon0 + rng.uniform(-spread, spread), 6)
            if Station.objects.filter(operator=operator, name=name).exists():
                continue
            station_create(
                actor=SYSTEM,
                operator=operator,
                name=name,
                station_type=kind,
                address=_address(operator_name, name, kind),
                latitude=lat,
                longitude=lon,
                capacity=rng.choice([10, 15, 20, 30, 40]),
                contact_phone="",
                facilities=facilities[: rng.randint(4, len(facilities))],
                hours=hours,
            )
            created += 1
    total = Station.objects.count()
    stdout.write(f"stations demo: {created} stations created, {total} in all\n")
    return created
