"""The three languages: every catalogue entry translated, the data that ships with the product
(case types and their questions, facilities, holidays, weekdays, kinds) in each language, and the
pages showing it in the reader's language."""

import ast
import importlib
import re
import runpy
from pathlib import Path

import polib
import pytest
from django.db import models
from django.test import Client
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gonghui.cases import defaults as case_defaults
from gonghui.cases import services as case_services
from gonghui.cases.models import CaseType
from gonghui.core import labels
from gonghui.core.scoping import SYSTEM
from gonghui.members.tests.factories import make_member
from gonghui.stations import hours
from gonghui.stations.choices import DEFAULT_FACILITIES
from gonghui.stations.models import Facility
from gonghui.stations.services import facility_create, station_create

LOCALE = Path(__file__).resolve().parents[2] / "locale"
FILL = runpy.run_path(str(Path(__file__).resolve().parents[4] / "scripts" / "fill_traditional.py"))
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfir]|\{\w*\}")
LANGUAGES = ("zh_Hans", "zh_Hant", "en")
# Taiwan IT phrasing that s2twp writes and that a mainland union never says.
TAIWAN_PHRASES = ("服務物件", "型別", "稽核", "社群", "預設", "軟體", "資料庫", "登入", "釋出")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def shipped_data_names() -> set[str]:
    """Every name the seeds write: case types, their questions and choices, holidays (and the
    make-up days named after them), facilities, weekdays."""
    names = set()
    for _code, name, _level, _ack, _resolve, fields in case_defaults.DEFAULT_CASE_TYPES:
        names.add(name)
        for spec in fields:
            names.add(spec["label"])
            names.update(spec.get("choices", ()))
    names.update(name for _day, _kind, name in case_defaults.holiday_rows())
    names.update(name for _code, name in DEFAULT_FACILITIES)
    names.update(hours.WEEKDAY_LABELS.values())
    return names


def all_choices() -> list[type[models.Choices]]:
    """Every TextChoices/IntegerChoices class the platform's apps define."""
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("gonghui."):
            continue
        for module_name in ("choices", "models"):
            try:
                module = importlib.import_module(f"{config.name}.{module_name}")
            except ModuleNotFoundError:
                continue
            found.extend(
                value
                for value in vars(module).values()
                if isinstance(value, type)
                and issubclass(value, models.Choices)
                and value.__module__ == module.__name__
            )
    return found


# --- the catalogues -------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_of_each_catalogue_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    assert len(po) > 1000
    empty = [e.msgid for e in po if not e.obsolete and not all(translations(e))]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert empty == [] and fuzzy == []
    assert not po.metadata_is_fuzzy and po.metadata["Language"] == language


def test_english_catalogue_has_no_chinese_left_in_it():
    leftovers = [
        (e.msgid, text) for e in catalogue("en") for text in translations(e) if CJK.search(text)
    ]
    assert leftovers == []


def test_traditional_catalogue_is_converted_wherever_conversion_changes_the_text():
    convert = FILL["to_traditional"]
    po = catalogue("zh_Hant")
    unconverted = [
        e.msgid for e in po if convert(e.msgid) != e.msgid and e.msgid in translations(e)
    ]
    assert unconverted == []
    # What `make messages` writes, i.e. OpenCC plus the reviewed corrections, nothing stale.
    stale = [e.msgid for e in po if translations(e)[0] != convert(e.msgid)]
    assert stale == []


def test_traditional_catalogue_keeps_mainland_terms():
    texts = {e.msgid: translations(e)[0] for e in catalogue("zh_Hant")}
    assert texts["服务对象"] == "服務對象"
    assert texts["类型"] == "類型"
    assert texts["审计日志"] == "審計日誌"
    assert texts["社区工会联合会"] == "社區工會聯合會"
    assert texts["登录"] == "登錄"
    assert texts["签批"] == "簽批"
    assert texts["帮扶资金发放记录"] == "幫扶資金發放記錄"
    taiwan = [(m, t) for m, t in texts.items() if any(p in t for p in TAIWAN_PHRASES)]
    assert taiwan == []


@pytest.mark.parametrize("language", ("zh_Hant", "en"))
def test_translations_keep_every_placeholder(language):
    broken = [
        (e.msgid, text)
        for e in catalogue(language)
        for text in translations(e)
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e.msgid))
    ]
    assert broken == []


SRC = Path(__file__).resolve().parents[2]
GETTEXT_NAMES = {"gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
TEMPLATE_TRANSLATE = re.compile(r"""{%\s*(?:translate|trans)\s+(?:"([^"]+)"|'([^']+)')""")


def marked_strings() -> dict[str, str]:
    """Every literal the code hands to gettext under whatever name it imports it as
    (``_``, ``_lazy``, ``_t`` ...), and every ``{% translate "..." %}`` literal: msgid -> file."""
    found = {}
    for path in SRC.rglob("*.py"):
        if {"tests", "migrations", "testing"} & set(path.parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
            for alias in node.names
            if alias.name in GETTEXT_NAMES
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in aliases
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found[node.args[0].value] = str(path.relative_to(SRC))
    for path in SRC.rglob("*.html"):
        for match in TEMPLATE_TRANSLATE.finditer(path.read_text(encoding="utf-8")):
            found[match.group(1) or match.group(2)] = str(path.relative_to(SRC))
    return found


def test_every_string_marked_for_translation_is_in_the_catalogues():
    """``make messages`` extracts them all, including those under short aliases such as
    ``_lazy("编辑工会")`` that plain makemessages would miss."""
    marked = marked_strings()
    assert len(marked) > 1000
    for language in LANGUAGES:
        translated = {e.msgid for e in catalogue(language) if all(translations(e))}
        missing = {msgid: where for msgid, where in marked.items() if msgid not in translated}
        assert missing == {}, language


def test_templates_have_no_chinese_outside_translation_tags():
    """Text and punctuation a template writes itself goes through {% translate %}: a literal
    "（" or "：" shows in the English page as it is."""
    untranslated = []
    for path in SRC.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", "", text, flags=re.S)
        text = re.sub(r"{%\s*(?:translate|trans)\s+(\"[^\"]*\"|'[^']*')[^%]*%}", "", text)
        text = re.sub(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.S)
        untranslated += [(str(path.relative_to(SRC)), m) for m in CJK.findall(text)]
    assert untranslated == []


# --- data that ships with the product -------------------------------------------------------


def test_every_shipped_data_name_is_listed_for_translation():
    assert shipped_data_names() - labels.SHIPPED == set()


@pytest.mark.parametrize("name", sorted(shipped_data_names() | labels.SHIPPED))
def test_no_shipped_data_name_is_missing_a_language(name):
    english = catalogue("en").find(name)
    traditional = catalogue("zh_Hant").find(name)
    assert english and english.msgstr and not CJK.search(english.msgstr)
    assert traditional and traditional.msgstr == FILL["to_traditional"](name)
    with translation.override("en"):
        assert labels.display_name(name) == english.msgstr
    with translation.override("zh-hant"):
        assert labels.display_name(name) == traditional.msgstr
    with translation.override("zh-hans"):
        assert labels.display_name(name) == name


def test_shipped_kinds_and_statuses_have_english_labels():
    kinds = all_choices()
    assert {c.__name__ for c in kinds} >= {"StationType", "CampaignKind", "TrainingKind"}
    with translation.override("en"):
        chinese = [
            (kind.__name__, value, str(label))
            for kind in kinds
            for value, label in kind.choices
            if CJK.search(str(label))
        ]
    assert chinese == []


def test_a_name_an_officer_typed_is_shown_as_typed():
    with translation.override("en"):
        assert labels.display_name("淋浴") == "淋浴"
        assert labels.display_name("欠薪（建筑工地）") == "欠薪（建筑工地）"
        assert labels.display_name("15000") == "15000"
        assert labels.display_name(None) is None


@given(
    st.lists(
        st.tuples(st.integers(1, 7), st.integers(0, 22), st.sampled_from([0, 15, 30, 45])),
        max_size=7,
        unique_by=lambda t: t[0],
    ),
    st.sampled_from(["zh-hans", "zh-hant", "en"]),
)
def test_weekly_hours_in_any_language_parse_back_to_the_same_week(days, language):
    import datetime as dt

    week = [
        hours.Interval(day, dt.time(hour, minute), dt.time(hour + 1, minute))
        for day, hour, minute in days
    ]
    with translation.override(language):
        text = hours.format_weekly(week, localized=True)
        assert hours.parse_weekly(text) == sorted(week)
        if language == "en" and week:
            assert not CJK.search(text)


# --- pages ----------------------------------------------------------------------------------


def client_in(language: str, user=None) -> Client:
    client = Client()
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_language_menu_names_each_language_in_itself(language):
    html = client_in(language).get("/accounts/login/").content.decode()
    menu = re.search(r'<select name="language" id="language-select".*?</select>', html, re.S)
    options = re.findall(r'<option value="([\w-]+)"[^>]*>([^<]+)</option>', menu.group(0))
    assert options == [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
    assert re.search(rf'<option value="{language}" lang="{language}" selected>', menu.group(0))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "accept,language,login",
    [
        ("zh-TW,zh;q=0.9", "zh-hant", "登錄"),
        ("zh-HK", "zh-hant", "登錄"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-hans", "登录"),
        ("en-US,en;q=0.9", "en", "Log in"),
    ],
)
def test_a_browser_gets_its_own_language_before_choosing_one(accept, language, login):
    html = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert f'<html lang="{language}">' in html and login in html


@pytest.fixture
def worker_member(personas):
    return make_member(personas.yancheng_project, name="郾城职工", phone="13800138000")


@pytest.mark.django_db
def test_english_case_pages_show_case_types_questions_and_answers_in_english(
    personas, worker_member
):
    client = client_in("en", personas.worker)
    chooser = client.get("/cases/new").content.decode()
    for english in ("Legal aid", "Unpaid wages", "Labour dispute mediation", "Counselling"):
        assert english in chooser
    assert not {"法律援助", "欠薪", "心理咨询"} & set(re.findall(r"[\u4e00-\u9fff（）]+", chooser))
    form = client.get("/cases/new?type=legal_aid").content.decode()
    assert "<h2>Legal aid</h2>" in form
    assert "Matter" in form and "Employer" in form
    assert '<option value="工伤认定">Work injury recognition</option>' in form
    assert "事项类别" not in form and ">工伤认定<" not in form

    case = case_services.case_submit(
        actor=personas.worker,
        member=worker_member,
        case_type=CaseType.objects.get(code="wage_arrears"),
        description="三个月没发工资",
        form_data={"employer": "某物流公司", "amount_owed": "9000"},
    )
    assert case.title == "欠薪"  # no title given: the type's name, stored in Chinese
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "<h1>Unpaid wages</h1>" in detail and "<dd>Unpaid wages</dd>" in detail
    assert "<dt>Employer owing the wages</dt><dd>某物流公司</dd>" in detail
    assert "<dt>Amount owed (yuan)</dt><dd>9000</dd>" in detail
    mine = client.get("/cases/mine").content.decode()
    assert "<strong>Unpaid wages</strong>" in mine and "欠薪" not in mine


@pytest.mark.django_db
def test_a_notification_is_stored_in_chinese_and_read_in_the_readers_language(
    personas, worker_member, settings, django_capture_on_commit_callbacks
):
    """An officer reading in English accepts a case: the worker's SMS and inbox row are not in
    the officer's language, and each reader sees the title in their own."""
    from gonghui.cases import notify
    from gonghui.cases.models import Notification

    case = case_services.case_submit(
        actor=personas.worker,
        member=worker_member,
        case_type=CaseType.objects.get(code="counselling"),
        description="想找人聊聊",
    )
    settings.CASES_NOTIFY_BACKEND = "gonghui.cases.notify.MemoryBackend"
    notify.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        case_services.case_transition(
            actor=personas.yancheng_officer,
            case=case,
            to_status="accepted",
            expected_version=case.version,
        )
    row = Notification.objects.filter(user=personas.worker).latest("pk")
    assert row.title == "您的诉求已受理"
    assert [m.title for m in notify.outbox if m.phone == worker_member.phone] == [row.title]
    notify.outbox.clear()
    inbox_zh = client_in("zh-hans", personas.worker).get("/cases/inbox").content.decode()
    inbox_en = client_in("en", personas.worker).get("/cases/inbox").content.decode()
    assert "<strong>您的诉求已受理</strong>" in inbox_zh
    assert "<strong>Your appeal has been accepted</strong>" in inbox_en


@pytest.mark.django_db
def test_a_case_type_an_officer_named_is_shown_as_typed_in_english(personas, worker_member):
    CaseType.objects.create(code="site_wages", name="工地欠薪专窗", form_fields=[])
    chooser = client_in("en", personas.worker).get("/cases/new").content.decode()
    assert "工地欠薪专窗" in chooser


@pytest.mark.django_db
def test_english_station_pages_show_facilities_and_weekdays_in_english(personas):
    facility_create(actor=personas.superuser, code="shower", name="淋浴")
    station = station_create(
        actor=SYSTEM,
        operator=personas.yancheng,
        name="郾城暖心驿站",
        station_type="warm_heart",
        address="测试路1号",
        latitude=33.58,
        longitude=114.01,
        facilities=["water", "toilet", "shower"],
        hours="周一至周五 08:00-18:00; 周六 09:00-12:00",
    )
    officer = client_in("en", personas.yancheng_officer)
    detail = officer.get(f"/stations/{station.pk}/").content.decode()
    assert "Drinking water, Toilet, 淋浴" in detail
    assert "Mon 08:00-18:00<br>Tue 08:00-18:00" in detail and "Sat 09:00-12:00" in detail
    assert "周一" not in detail and "饮水" not in detail
    edit = officer.get(f"/stations/{station.pk}/edit/").content.decode()
    assert "Mon 08:00-18:00\nTue 08:00-18:00" in edit and "Drinking water" in edit

    public_map = client_in("en").get("/map").content.decode()
    assert "Drinking water" in public_map and "Wi-Fi" in public_map
    assert "无线网络" not in public_map

    traditional = client_in("zh-hant", personas.yancheng_officer)
    assert "週一 08:00-18:00" in traditional.get(f"/stations/{station.pk}/").content.decode()


@pytest.mark.django_db
def test_hours_saved_from_the_english_and_traditional_forms_are_the_same_week(personas):
    station = station_create(
        actor=SYSTEM,
        operator=personas.yancheng,
        name="郾城暖心驿站",
        station_type="warm_heart",
        address="测试路1号",
        latitude=33.58,
        longitude=114.01,
        facilities=["water"],
        hours="周一至周五 08:00-18:00",
    )
    before = station.weekly_intervals()
    assert Facility.objects.filter(code="water").exists()
    for language in ("en", "zh-hant"):
        with translation.override(language):
            text = hours.format_weekly(before, localized=True)
        assert hours.parse_weekly(text) == before
    assert hours.parse_weekly("週一至週五 08:00-18:00") == before


def test_display_names_follow_the_language_and_leave_typed_names_alone():
    seeded, typed = CaseType(name="心理咨询"), CaseType(name="我们自己的类型")
    with translation.override("en"):
        assert (seeded.display_name, typed.display_name) == ("Counselling", "我们自己的类型")
        assert Facility(name="饮水").display_name == "Drinking water"
    with translation.override("zh-hant"):
        assert (seeded.display_name, typed.display_name) == ("心理諮詢", "我们自己的类型")
    with translation.override("zh-hans"):
        assert Facility(name="饮水").display_name == "饮水"
