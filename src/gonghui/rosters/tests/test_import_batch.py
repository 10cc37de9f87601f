"""The import's batch shortcuts give what the one-member code gives: the ID hash and encryption
with keys made once per import, the figures counted per batch, a member's columns built as
values rather than as a model instance."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from gonghui.core import figures
from gonghui.core.models import FigureDelta
from gonghui.members import crypto
from gonghui.members.ids import synthetic_id_card
from gonghui.members.models import Member

from .test_import import good_row, run, workbook

NUMBERS = [
    synthetic_id_card("411103", datetime.date(1970, 1, 1) + datetime.timedelta(days=n), n % 900)
    for n in range(0, 3000, 300)
] + ["11010519491231002x", " 11010519491231002X "]


def test_the_hasher_is_crypto_id_hash(settings):
    settings.MEMBER_ID_HASH_KEY = "a-hash-key-for-this-test"
    hasher = crypto.id_hasher()
    assert [hasher(n) for n in NUMBERS] == [crypto.id_hash(n) for n in NUMBERS]
    assert hasher is not crypto.id_hash  # its own closure, the key derived once


def test_what_the_encrypter_writes_decrypt_id_reads(settings):
    settings.MEMBER_ID_KEYS = {"old": "an-old-key", "new": "a-new-key"}
    settings.MEMBER_ID_ACTIVE_KEY = "new"
    encrypt = crypto.id_encrypter()
    sealed = [encrypt(n) for n in NUMBERS]
    assert [crypto.decrypt_id(s) for s in sealed] == [n.strip().upper() for n in NUMBERS]
    assert {crypto.encrypted_key_id(s) for s in sealed} == {"new"}
    assert len(set(sealed)) == len(sealed)  # a fresh nonce each


@pytest.mark.django_db
def test_an_import_records_each_members_figures_and_the_joins(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    rows = [good_row(i) for i in range(40)]
    for i in range(0, 40, 3):
        rows[i][3] = "货车司机"
    FigureDelta.objects.all().delete()
    job = run(personas, workbook(rows), capture=django_capture_on_commit_callbacks)
    assert job.created_count == 40

    expected = Counter()
    path = personas.yancheng_project.path
    for member in Member.objects.filter(union=personas.yancheng_project):
        for key in figures.member_key(member, path):
            expected[key] += 1
    expected[(path, "m.joined", timezone.localdate(job.created_at))] += 40
    recorded = Counter()
    for row in FigureDelta.objects.all():
        recorded[(row.org_path, row.metric, row.day)] += row.delta
    assert recorded == expected
    assert len({key[1] for key in expected}) > 4  # groups and genders both vary


@pytest.mark.django_db
def test_rows_already_enrolled_draw_no_member_number(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    rows = [good_row(i) for i in range(5)]
    run(personas, workbook(rows), capture=django_capture_on_commit_callbacks)
    again = run(personas, workbook(rows), capture=django_capture_on_commit_callbacks)
    assert (again.created_count, again.existing_count) == (0, 5)
    run(personas, workbook([good_row(5)]), capture=django_capture_on_commit_callbacks)
    serials = sorted(int(n[-10:]) for n in Member.objects.values_list("member_number", flat=True))
    assert serials == list(range(serials[0], serials[0] + 6))  # no gap where the re-run was
