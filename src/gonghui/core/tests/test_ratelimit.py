"""Rate limits on sending codes and on anonymous check-ins: counted in the database (shared by
every server process), per phone, address and device; over a limit is 429 with Retry-After."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from gonghui.core import ratelimit
from gonghui.core.models import RateLimitCounter
from gonghui.joining import sms
from gonghui.members.models import PhoneCode
from gonghui.members.tests.factories import phone
from gonghui.stations.models import CheckIn
from gonghui.stations.tests.factories import make_station

LIMITS = {
    "code_phone": (5, 3600),
    "code_address": (20, 3600),
    "code_device": (10, 3600),
    "checkin_address": (6, 3600),
    "checkin_device": (3, 3600),
}


def send_code(client, number, **headers):
    return client.post(
        "/api/members/join/code",
        json.dumps({"phone": number}),
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.django_db
def test_thirty_phones_from_one_address_get_twenty_codes():
    sms.outbox.clear()
    phones = [phone() for _ in range(30)]
    answers = [send_code(Client(), number) for number in phones]
    assert [a.status_code for a in answers] == [202] * 20 + [429] * 10
    refused = answers[20]
    assert 0 < int(refused["Retry-After"]) <= 3600
    wait = int(refused["Retry-After"])
    assert refused.json()["detail"] == ratelimit.RateLimited("code_address", wait).message
    assert [m.phone for m in sms.outbox] == phones[:20]
    assert PhoneCode.objects.count() == 20


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_reset_the_address_limit():
    answers = [
        send_code(Client(), phone(), **{"X-Forwarded-For": f"10.0.0.{i}"}) for i in range(21)
    ]
    assert answers[-1].status_code == 429
    assert PhoneCode.objects.count() == 20


@pytest.mark.django_db
def test_addresses_of_one_ipv6_subscriber_share_a_limit():
    answers = [
        send_code(Client(REMOTE_ADDR=f"2408:8207:1851:8a00::{i:x}"), phone()) for i in range(21)
    ]
    assert answers[-1].status_code == 429
    assert PhoneCode.objects.count() == 20
    assert send_code(Client(REMOTE_ADDR="2408:8207:1851:8a01::1"), phone()).status_code == 202
    assert PhoneCode.objects.count() == 21


@pytest.mark.django_db
def test_one_device_is_limited_across_addresses():
    device = "device-" + "d" * 20
    answers = [
        send_code(Client(REMOTE_ADDR=f"10.1.0.{i}"), phone(), **{"X-Device-Id": device})
        for i in range(11)
    ]
    assert [a.status_code for a in answers] == [202] * 10 + [429]
    assert PhoneCode.objects.count() == 10


@pytest.mark.django_db
def test_join_page_gives_a_device_cookie_that_the_limit_counts(client):
    page = client.get("/join")
    device = page.cookies[ratelimit.DEVICE_COOKIE].value
    assert ratelimit.DEVICE_ID.match(device) and page.cookies[ratelimit.DEVICE_COOKIE]["httponly"]
    with override_settings(RATE_LIMITS={**LIMITS, "code_device": (2, 3600)}):
        for i in range(2):
            client.defaults["REMOTE_ADDR"] = f"10.2.0.{i}"
            assert client.post("/join/code", {"phone": phone()}).status_code == 200
        client.defaults["REMOTE_ADDR"] = "10.2.0.9"
        refused = client.post("/join/code", {"phone": phone()})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "频繁" in refused.content.decode()
    assert PhoneCode.objects.count() == 2


@pytest.mark.django_db
def test_join_page_over_the_limit_says_so_and_sends_nothing(client, personas):
    from gonghui.members.tests.factories import id_card

    details = {
        "name": "陈师傅", "id_card": id_card(), "occupation_group": "carer",
        "employer_name": "", "work_place": "郾城区康养产业园", "step": "details",
    }  # fmt: skip
    with override_settings(RATE_LIMITS={**LIMITS, "code_address": (1, 3600)}):
        assert client.post("/join", {**details, "phone": phone()}).status_code == 200
        refused = client.post("/join", {**details, "phone": phone()})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "操作太频繁" in refused.content.decode() and 'id="join-confirm"' not in (
        refused.content.decode()
    )
    assert PhoneCode.objects.count() == 1


@pytest.mark.django_db
def test_sign_in_codes_share_the_phone_limit(client):
    number = phone()
    for _ in range(5):
        assert send_code(Client(REMOTE_ADDR="10.3.0.1"), number).status_code == 202
    refused = Client(REMOTE_ADDR="10.3.0.2").post("/me/login", {"phone": number})
    assert refused.status_code == 429 and "操作太频繁" in refused.content.decode()
    assert PhoneCode.objects.filter(phone=number).count() == 5


# ---- Anonymous check-ins -------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(RATE_LIMITS=LIMITS)
def test_anonymous_api_checkins_are_limited_per_address(personas):
    station = make_station(personas.yancheng, name="签到站")
    url = f"/api/stations/checkin/{station.checkin_token}"
    answers = [Client().post(url) for _ in range(8)]
    assert [a.status_code for a in answers] == [201] * 6 + [429] * 2
    assert int(answers[-1]["Retry-After"]) > 0 and answers[-1].json()["detail"]
    assert CheckIn.objects.count() == 6


@pytest.mark.django_db
@override_settings(RATE_LIMITS=LIMITS)
def test_anonymous_page_checkins_are_limited_per_device(personas):
    station = make_station(personas.yancheng, name="签到站")
    url = f"/s/{station.checkin_token}/"
    device = {"X-Device-Id": "device-" + "e" * 20}
    # A new session (no cookies kept) each time, from changing addresses: only the device is
    # the same.
    answers = [Client(REMOTE_ADDR=f"10.4.0.{i}").post(url, headers=device) for i in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "操作太频繁" in answers[-1].content.decode()
    assert CheckIn.objects.count() == 3


@pytest.mark.django_db
@override_settings(RATE_LIMITS=LIMITS)
def test_checkin_page_gives_a_device_cookie_that_the_limit_counts(client, personas):
    station = make_station(personas.yancheng, name="签到站")
    url = f"/s/{station.checkin_token}/"
    assert ratelimit.DEVICE_COOKIE in client.get(url).cookies
    answers = []
    for i in range(4):
        client.cookies.pop("sessionid", None)  # a bot dropping its session each time
        client.defaults["REMOTE_ADDR"] = f"10.5.0.{i}"
        answers.append(client.post(url).status_code)
    assert answers == [200, 200, 200, 429]
    assert CheckIn.objects.count() == 3


@pytest.mark.django_db
@override_settings(RATE_LIMITS=LIMITS)
def test_signed_in_checkins_are_not_counted_against_the_address(personas):
    station = make_station(personas.yancheng, name="签到站")
    url = f"/api/stations/checkin/{station.checkin_token}"
    for _ in range(6):
        Client().post(url)
    member = Client()
    member.force_login(personas.worker)
    assert member.post(url).status_code == 201
    assert CheckIn.objects.filter(user=personas.worker).count() == 1


# ---- The counter --------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(RATE_LIMITS={"test": (2, 60)})
def test_window_ends_and_counting_starts_again():
    assert ratelimit.hit("test", "caller", now=600.0) == 1
    assert ratelimit.hit("test", "caller", now=630.0) == 2
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.hit("test", "caller", now=650.5)
    assert refused.value.retry_after == 10
    assert ratelimit.hit("test", "caller", now=660.0) == 1
    assert ratelimit.hit("test", "someone else", now=650.0) == 1
    # Stored under a keyed hash, never the caller's phone or address itself.
    assert not RateLimitCounter.objects.filter(key__contains="caller").exists()


@pytest.mark.django_db
def test_no_identity_is_not_limited():
    assert ratelimit.hit("code_device", None) == 0
    assert not RateLimitCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
@override_settings(RATE_LIMITS={"test": (5, 3600)})
def test_parallel_connections_share_one_count():
    barrier = threading.Barrier(12)
    allowed, refused = [], []

    def caller():
        try:
            barrier.wait()
            ratelimit.hit("test", "one caller", now=1000.0)
            allowed.append(1)
        except ratelimit.RateLimited:
            refused.append(1)
        finally:
            connection.close()

    threads = [threading.Thread(target=caller) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(allowed), len(refused)) == (5, 7)
    assert RateLimitCounter.objects.get().hits == 12
