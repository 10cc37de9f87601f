import datetime
import itertools

from gonghui.core.scoping import SYSTEM
from gonghui.members import services
from gonghui.members.choices import JoinChannel
from gonghui.members.ids import synthetic_id_card

_serials = itertools.count(1)


def id_card(region="430181", birth=datetime.date(1990, 5, 17), female=None):
    serial = next(_serials)
    # Spread serials over birth days too, so thousands of numbers stay distinct.
    day = birth + datetime.timedelta(days=serial // 1000)
    return synthetic_id_card(region, day, serial, female=female)


def phone(n=None):
    return f"139{(n if n is not None else next(_serials)) % 10**8:08d}"


def make_member(union, *, actor=SYSTEM, **fields):
    data = {
        "name": "测试会员",
        "id_card": id_card(union.region_code),
        "phone": phone(),
        "occupation_group": "courier",
        "employer_name": "某某快递网点",
    }
    data.update(fields)
    return services.member_join(
        actor=actor, union=union, channel=JoinChannel.OFFICER, **data
    ).member
