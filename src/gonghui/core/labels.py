"""Names of the data that ships with the product, in the reader's language.

Seeded rows (case types and their form questions, station facilities, the holiday calendar) and
the weekday names are stored in Chinese, as officers may edit them like any other row. Their
Chinese names are listed here so `makemessages` extracts them into the three catalogues;
:func:`display_name` shows a shipped name in the active language and any other text (a name an
officer typed, or a shipped name an officer changed) exactly as it is stored.

The lists must cover every name the seeds write: ``core/tests/test_catalogues.py`` checks them
against ``cases.defaults``, ``stations.choices`` and ``stations.hours``, and checks each name has
its English and Traditional translations.
"""

from django.utils.translation import gettext, gettext_noop

# cases.defaults.DEFAULT_CASE_TYPES: the types, their questions, and the questions' choices.
CASE_TYPE_NAMES = (
    gettext_noop("法律援助"),
    gettext_noop("劳动纠纷调解"),
    gettext_noop("欠薪"),
    gettext_noop("困难帮扶"),
    gettext_noop("医疗互助"),
    gettext_noop("就业帮扶"),
    gettext_noop("信访接待"),
    gettext_noop("心理咨询"),
    gettext_noop("其他"),
)
CASE_QUESTION_LABELS = (
    gettext_noop("事项类别"),
    gettext_noop("用人单位"),
    gettext_noop("争议事项"),
    gettext_noop("欠薪单位"),
    gettext_noop("欠薪金额（元）"),
    gettext_noop("开始欠薪日期"),
    gettext_noop("涉及人数"),
    gettext_noop("困难类型"),
    gettext_noop("就诊医院"),
    gettext_noop("医疗费用（元）"),
    gettext_noop("求职意向"),
    gettext_noop("方便联系的时间"),
)
CASE_QUESTION_CHOICES = (
    gettext_noop("劳动合同"),
    gettext_noop("工伤认定"),
    gettext_noop("社会保险"),
    gettext_noop("劳动报酬"),
    gettext_noop("其他"),
    gettext_noop("因病致困"),
    gettext_noop("因灾致困"),
    gettext_noop("因学致困"),
    gettext_noop("失业"),
)
# cases.defaults.HOLIDAYS_2026 and the make-up working days named after them.
HOLIDAY_NAMES = (
    gettext_noop("元旦"),
    gettext_noop("春节"),
    gettext_noop("清明节"),
    gettext_noop("劳动节"),
    gettext_noop("端午节"),
    gettext_noop("中秋节"),
    gettext_noop("国庆节"),
    gettext_noop("元旦调休"),
    gettext_noop("春节调休"),
    gettext_noop("劳动节调休"),
    gettext_noop("国庆节调休"),
)
# stations.choices.DEFAULT_FACILITIES
FACILITY_NAMES = (
    gettext_noop("休息"),
    gettext_noop("饮水"),
    gettext_noop("热水"),
    gettext_noop("微波炉"),
    gettext_noop("充电"),
    gettext_noop("卫生间"),
    gettext_noop("急救药箱"),
    gettext_noop("阅读"),
    gettext_noop("空调"),
    gettext_noop("无线网络"),
)
# stations.hours.WEEKDAY_LABELS (ISO order, Monday first)
WEEKDAY_NAMES = (
    gettext_noop("周一"),
    gettext_noop("周二"),
    gettext_noop("周三"),
    gettext_noop("周四"),
    gettext_noop("周五"),
    gettext_noop("周六"),
    gettext_noop("周日"),
)

SHIPPED = frozenset(
    CASE_TYPE_NAMES
    + CASE_QUESTION_LABELS
    + CASE_QUESTION_CHOICES
    + HOLIDAY_NAMES
    + FACILITY_NAMES
    + WEEKDAY_NAMES
)


def display_name(text):
    """A shipped name in the active language; anything else (an officer's text, a number) as
    it is."""
    if isinstance(text, str) and text in SHIPPED:
        return gettext(text)
    return text


def weekday_name(day: int) -> str:
    """ISO weekday (1 = Monday) in the active language: 周一, 週一, Mon."""
    return gettext(WEEKDAY_NAMES[day - 1])
