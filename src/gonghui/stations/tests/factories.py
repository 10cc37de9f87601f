import itertools

from gonghui.core.scoping import SYSTEM
from gonghui.stations.services import station_create

_serial = itertools.count(1)


def make_station(operator, actor=SYSTEM, **overrides):
    fields = {
        "name": f"驿站{next(_serial)}",
        "station_type": "outdoor_station",
        "address": "测试路1号",
        "latitude": 33.58,
        "longitude": 114.01,
        "facilities": ["water", "rest"],
        "hours": "每天 00:00-24:00",
    }
    fields.update(overrides)
    return station_create(actor=actor, operator=operator, **fields)
