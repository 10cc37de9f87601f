"""Bulk enrolment from a spreadsheet (批量导入): template, validation, background task, report.

A file is checked up front (size, type, headers), so a wrong file is refused in the request
and nothing is written. The rows are then enrolled by a task in batches; each batch commits
whole or not at all, so a row is either a member or a line in the error report, never half.
Re-importing the same file finds every person by the keyed ID hash and creates nobody twice.

Cells are read by :mod:`gonghui.core.spreadsheet` (an ID number in a number cell is refused,
never reconstructed) and every value read differently from its cell is listed in the report.
The roster holds full ID numbers: it is stored sealed (AES-GCM) under MEDIA_ROOT/private and
deleted when the import finishes; the report expires after REPORT_DAYS. A job whose worker
stopped sending heartbeats is marked failed and can be run again from its sealed file.
"""

from __future__ import annotations

import datetime
import io
import os
import re
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from gonghui.core import audit, figures, spreadsheet
from gonghui.core.cells import safe_row
from gonghui.core.models import AuditAction, AuditLog
from gonghui.core.scoping import SYSTEM, Action, require_in_scope, scope_for
from gonghui.core.validators import (
    id_card_birth_date,
    id_card_gender,
    is_valid_mobile,
    mask_id_card,
)
from gonghui.enterprises.models import Enterprise
from gonghui.members import crypto, services
from gonghui.members import rows as member_rows
from gonghui.members.choices import (
    HOLDING_STATUSES,
    EventKind,
    ImportStatus,
    JoinChannel,
    MemberStatus,
    OccupationGroup,
)
from gonghui.members.models import ImportJob, Member, MemberEvent
from gonghui.organizations.models import Organization

from . import rows as roster_rows
from .import_profile import PROFILE_COLUMNS, choice_hint, profile_reader, read_profile

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
BATCH_SIZE = 1000
ALLOWED_SUFFIXES = (".xlsx", ".csv")
# A running job whose worker has not reported for this long is dead (a batch takes seconds).
STALE_MINUTES = 10
# Error reports (the bad rows, full ID numbers included) are kept this long, then deleted.
REPORT_DAYS = 7
SEALED_SUFFIX = ".sealed"
TEMPLATE_ROWS = 2000

# (field, header in the template, required, other headers clerks use for it)
COLUMNS = [
    ("name", "姓名", True, ()),
    ("id_card", "身份证号码", True, ("身份证号", "公民身份号码", "身份证", "证件号码")),
    ("phone", "手机号码", True, ("手机号", "手机", "联系电话", "电话")),
    ("occupation_group", "职业群体", False, ()),
    ("employer_name", "工作单位", False, ("单位", "单位名称")),
    ("work_place", "工作地点", False, ()),
    ("joined_on", "入会日期", False, ("入会时间",)),
    # The registered enterprise (所在企业): by its credit code, else by the unit's exact name.
    ("employer_credit_code", "统一社会信用代码", False, ("社会信用代码", "信用代码")),
    # The real-name profile, all optional (import_profile reads them).
    *((name, header, False, aliases) for name, header, aliases in PROFILE_COLUMNS),
]
HEADER_OF = {name: header for name, header, _required, _aliases in COLUMNS}
GROUP_BY_LABEL = {str(label): value for value, label in OccupationGroup.choices}
GROUP_VALUES = frozenset(OccupationGroup.values)


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = gettext("会员名单")
    sheet.append([header for _name, header, _required, _aliases in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = (10, 22, 14, 14, 28, 20, 12, 22)
    for index, (_name, header, _required, _aliases) in enumerate(COLUMNS):
        width = widths[index] if index < len(widths) else max(10, 2 * len(header) + 2)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    # ID and phone columns are text: typed into a "General" column an 18-digit number keeps
    # only 15 significant digits. The column style covers new rows; the first rows are set
    # too, for programs that only honour cell styles.
    phone_column = get_column_letter(
        [name for name, *_rest in COLUMNS].index("emergency_contact_phone") + 1
    )
    for letter in ("B", "C", phone_column):
        sheet.column_dimensions[letter].number_format = "@"
        for row in range(2, TEMPLATE_ROWS + 2):
            sheet[f"{letter}{row}"].number_format = "@"
    notes = book.create_sheet(gettext("填写说明"))
    notes.append([gettext("列"), gettext("说明")])
    notes.append([HEADER_OF["name"], gettext("必填")])
    notes.append(
        [
            HEADER_OF["id_card"],
            gettext(
                "必填，18位，末位可为X；此列已设为文本格式。"
                "若整列被设成数字格式，号码会丢失末几位，请改为文本格式后重新粘贴。"
            ),
        ]
    )
    notes.append([HEADER_OF["phone"], gettext("必填，11位手机号码")])
    notes.append([HEADER_OF["occupation_group"], "、".join(GROUP_BY_LABEL)])
    notes.append([HEADER_OF["joined_on"], gettext("YYYY-MM-DD，留空为导入当天")])
    notes.append(
        [
            HEADER_OF["employer_credit_code"],
            gettext(
                "选填，18位。填写后会员关联到已登记的该企业；不填时按工作单位名称关联"
                "（名称与登记的企业完全一致时）。"
            ),
        ]
    )
    notes.append([gettext("以下各列"), gettext("实名制信息，均为选填，可留空")])
    for name in ("education", "employment_status", "skill_level", "hukou_type"):
        notes.append([HEADER_OF[name], choice_hint(name)])
    notes.append([HEADER_OF["political_status"], choice_hint("political_status")])
    notes.append([HEADER_OF["is_migrant_worker"], gettext("是 或 否")])
    notes.append([HEADER_OF["work_start_year"], gettext("四位年份，例如2015")])
    for name in ("hukou_region", "residence_region"):
        notes.append([HEADER_OF[name], gettext("6位行政区划代码，例如411102")])
    notes.append([HEADER_OF["emergency_contact_phone"], gettext("11位手机号码")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- The stored roster ------------------------------------------------------------------------


def _file_key() -> tuple[str, dict[str, bytes]]:
    return crypto._keyring("MEMBER_ID_KEYS", "MEMBER_ID_ACTIVE_KEY", "gonghui.members.import-file")


def seal(content: bytes) -> bytes:
    """``<key id>\\n<nonce><ciphertext+tag>``: the roster at rest is unreadable without the
    member-ID keys."""
    kid, keys = _file_key()
    nonce = os.urandom(12)
    return kid.encode() + b"\n" + nonce + AESGCM(keys[kid]).encrypt(nonce, content, b"import")


def unseal(blob: bytes) -> bytes:
    kid, _sep, body = blob.partition(b"\n")
    _active, keys = _file_key()
    return AESGCM(keys[kid.decode()]).decrypt(body[:12], body[12:], b"import")


def read_stored(job: ImportJob) -> bytes:
    with job.file.open("rb") as handle:
        content = handle.read()
    return unseal(content) if job.file.name.endswith(SEALED_SUFFIX) else content


def discard_upload(job: ImportJob) -> None:
    """Delete the roster file; the row keeps only its original name."""
    if job.file:
        job.file.storage.delete(job.file.name)
    ImportJob.objects.filter(pk=job.pk).update(file="")
    job.file = ""


# ---- Reading ----------------------------------------------------------------------------------


def read_rows(content: bytes) -> spreadsheet.Table:
    """Every row of the first sheet, cells as typed in the file."""
    return spreadsheet.read_table(content)


def header_map(table: spreadsheet.Table) -> spreadsheet.Header:
    """Where the header row is and each field's column; missing required headers are a
    file-level error. Title rows and a merged group header above it are skipped."""
    try:
        return spreadsheet.find_header(
            table,
            [(name, (header, *aliases)) for name, header, _r, aliases in COLUMNS],
            [name for name, _h, required, _a in COLUMNS if required],
        )
    except spreadsheet.HeaderNotFound as exc:
        raise ValidationError(
            {
                "file": _("表头不正确，缺少列：%(columns)s。请使用导入模板。")
                % {"columns": "、".join(HEADER_OF[name] for name in exc.missing)}
            }
        ) from None


def body_rows(table: spreadsheet.Table, header: spreadsheet.Header) -> list[tuple[int, list]]:
    """(sheet row number, cells) of every non-empty row below the header."""
    return [
        (index + 1, row)
        for index, row in enumerate(table.rows)
        if index >= header.first_data_row and not spreadsheet.is_blank_row(row)
    ]


def check_upload(upload) -> str:
    """Refuse a file that is too large or not .xlsx/.csv; return its suffix."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("文件不能超过8 MB，请拆分后分批导入。")})
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError({"file": _("只支持.xlsx或.csv格式的文件。")})
    head = upload.read(4)
    upload.seek(0)
    if suffix == ".xlsx" and head != b"PK\x03\x04":
        raise ValidationError({"file": _("文件不是有效的Excel表格（.xlsx）。")})
    return suffix


def import_start(*, actor, union: Organization, upload) -> ImportJob:
    """Check the file, store it sealed, and queue the import. Returns the job."""
    require_in_scope(actor, union.path, Action.CHANGE)
    suffix = check_upload(upload)
    upload.seek(0)
    content = upload.read()
    table = read_rows(content)
    if spreadsheet.is_blank_row(cell for row in table.rows for cell in row):
        raise ValidationError({"file": _("文件是空的。")})
    header = header_map(table)
    job = ImportJob(
        union=union,
        created_by=actor if getattr(actor, "pk", None) else None,
        original_name=Path(upload.name).name[:200],
        total_rows=len(body_rows(table, header)),
    )
    job.file.save(f"import{suffix}{SEALED_SUFFIX}", ContentFile(seal(content)), save=False)
    job.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=job,
        org_path=union.path,
        changes=audit.diff(
            {}, audit.snapshot(job, fields=("union", "original_name", "total_rows"))
        ),
    )
    job_id = job.pk
    transaction.on_commit(lambda: run_import.enqueue(job_id))
    return job


@dataclass
class RowResult:
    number: int  # row number in the sheet
    cells: dict  # {field: cell as typed}; the report shows them as text (``values``)
    data: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # {field: message}

    @property
    def values(self) -> list[str]:
        """The cells as the officer sees them, in template column order (only a bad row's are
        ever shown: they are not computed for the good ones)."""
        return [spreadsheet.text(self.cells.get(name)) for name, *_rest in COLUMNS]


class _CellReader(spreadsheet.RowReader):
    """:class:`spreadsheet.RowReader` with each cell's text taken once, and an empty cell
    passed over at once: an import reads 10^5 rows of 21 columns, most of them empty."""

    def read(self, field_name, reader, default=""):
        raw = self.cells.get(field_name, "")
        if raw == "" or raw is None:
            return default
        before = spreadsheet.text(raw)
        if before == "":
            return default
        try:
            value = reader(raw)
        except spreadsheet.CellError as exc:
            self.errors.setdefault(field_name, exc.message)
            return default
        after = value if type(value) is str else spreadsheet.shown(value)
        if before != after:
            self.changes.append(
                spreadsheet.Change(
                    self.number, self.labels.get(field_name, field_name), before, after
                )
            )
        return value


def _id_card(value):
    return spreadsheet.id_card(value, HEADER_OF["id_card"])


def _parse_row(
    number: int,
    row: list,
    positions: dict[str, int],
    today,
    changes: list[spreadsheet.Change],
    read_profile=read_profile,
) -> RowResult:
    cells = spreadsheet.row_cells(row, positions)
    reader = _CellReader(number, cells, HEADER_OF, changes)
    result = RowResult(number, cells)
    name = reader.read("name", spreadsheet.name)
    if "name" not in reader.errors:
        if not name:
            reader.fail("name", gettext("请填写姓名。"))
        elif len(name) > 60:
            reader.fail("name", gettext("内容太长。"))
    number_text = reader.read("id_card", _id_card)
    if "id_card" not in reader.errors:
        try:
            number_text = services.clean_id_card(number_text, today=today)
        except ValidationError as exc:
            reader.fail("id_card", exc.message_dict["id_card"][0])
            number_text = ""
    phone = reader.read("phone", spreadsheet.mobile)
    if not is_valid_mobile(phone):
        reader.fail("phone", gettext("请输入11位中国大陆手机号码（1开头，第二位为3-9）。"))
    group_text = reader.read("occupation_group", spreadsheet.text)
    group = GROUP_BY_LABEL.get(group_text) or (group_text if group_text in GROUP_VALUES else None)
    if group_text and group is None:
        reader.fail("occupation_group", gettext("职业群体不是可选的值之一。"))
    joined = reader.read("joined_on", spreadsheet.date, default=today)
    if "joined_on" not in reader.errors and joined > today:
        reader.fail("joined_on", gettext("入会日期不能晚于今天。"))
    employer = reader.read("employer_name", spreadsheet.name)
    work_place = reader.read("work_place", spreadsheet.name)
    credit_code = reader.read("employer_credit_code", spreadsheet.text).upper()
    profile = read_profile(reader)
    result.errors = reader.errors
    result.data = {
        "name": name,
        "id_card": number_text if "id_card" not in reader.errors else "",
        "phone": phone,
        "occupation_group": group or OccupationGroup.OTHER,
        "employer_name": employer[:200],
        "work_place": work_place[:200],
        "joined_on": joined,
        "employer_credit_code": credit_code,
        "profile": profile,
    }
    return result


def _link_employers(job: ImportJob, actor, rows: list[RowResult]) -> None:
    """Set ``data["employer"]`` on each row from its credit code (an unknown code, or one
    outside the officer's scope, is a field error) or else from its unit's exact name (one
    registered enterprise of that name in scope; otherwise the name stays free text). Two
    queries per batch."""
    codes = {r.data["employer_credit_code"] for r in rows if r.data["employer_credit_code"]}
    names = {
        r.data["employer_name"]
        for r in rows
        if r.data["employer_name"] and not r.data["employer_credit_code"]
    }
    visible = Enterprise.objects.visible_to(actor, Action.VIEW)
    by_code = {e.credit_code: e for e in visible.filter(credit_code__in=codes)} if codes else {}
    by_name: dict[str, list] = {}
    if names:
        for enterprise in visible.filter(name__in=names):
            by_name.setdefault(enterprise.name, []).append(enterprise)
    for row in rows:
        code = row.data["employer_credit_code"]
        if code:
            enterprise = by_code.get(code)
            if enterprise is None:
                row.errors["employer_credit_code"] = gettext(
                    "没有找到该统一社会信用代码的企业，或不在您的管辖范围内。"
                )
                continue
            row.data["employer"] = enterprise
            row.data["employer_name"] = row.data["employer_name"] or enterprise.name
        else:
            found = by_name.get(row.data["employer_name"], [])
            row.data["employer"] = found[0] if len(found) == 1 else None


def _classify(job: ImportJob, actor, by_hash: dict[str, RowResult]) -> tuple[list, int]:
    """Split rows by what the ID hash finds: (fresh rows to insert, count already in this
    union). Rows that belong to a member of another union get their message."""
    existing = {
        m.id_card_hash: m
        for m in Member.objects.filter(id_card_hash__in=list(by_hash)).select_related("union")
    }
    # A union is named only to an officer who can see it: a roster must not tell a 河南
    # officer which 湖南 union someone belongs to.
    scope = scope_for(actor, Action.VIEW) if actor is not SYSTEM else None
    fresh, already = [], 0
    for digest, row in by_hash.items():
        member = existing.get(digest)
        visible = scope is not None and scope.covers(member.union.path) if member else False
        if member is None:
            fresh.append((digest, row))
        elif member.union_id == job.union_id and member.status in HOLDING_STATUSES:
            already += 1
        elif member.status in HOLDING_STATUSES and visible:
            row.errors["id_card"] = gettext("已是%(union)s的会员，请办理会籍转接。") % {
                "union": member.union.name
            }
        elif member.status in HOLDING_STATUSES:
            row.errors["id_card"] = gettext(
                "该身份证号码已在其他工会登记为会员，请由本人申请会籍转接。"
            )
        elif visible:
            row.errors["id_card"] = gettext("曾是会员（已退会或失效），请在会员详情中恢复会籍。")
        else:
            row.errors["id_card"] = gettext(
                "该身份证号码在其他工会有会籍记录，请联系上级工会处理。"
            )
    return fresh, already


# The typed-in text a clerk could have put a phone or ID number into.
FREE_TEXT = ("name", "employer_name", "work_place", "ethnicity", "job_title",
             "emergency_contact_name")  # fmt: skip
# audit.mask_text changes only text with a run of 11 digits (a mobile; an ID number has 17).
_DIGIT_RUN = re.compile(r"\d{11}")


def _log_must_mask(values: dict) -> bool:
    texts = [values[name] for name in FREE_TEXT]
    if not _DIGIT_RUN.search("\n".join(texts)):
        return False
    return any(audit.mask_text(t) != t for t in texts)


def _template(job: ImportJob) -> Member:
    """What every member an import enrols shares: union, status, channel and the defaults."""
    return Member(union=job.union, status=MemberStatus.ACTIVE, channel=JoinChannel.IMPORT)


def _member_columns(data: dict, keys: _Crypto, base: dict) -> dict:
    """A good row's member columns, but the enterprise link and the timestamps (set when
    the row lands)."""
    number = data["id_card"]
    return roster_rows.member_values(
        base,
        {
            "name": data["name"],
            "id_card_encrypted": keys.encrypt_id(number),
            "id_card_hash": data["id_hash"],
            "id_card_masked": mask_id_card(number),
            "phone": data["phone"],
            "gender": id_card_gender(number),
            "birth_date": id_card_birth_date(number),
            "employer_name": data["employer_name"],
            "work_place": data["work_place"],
            "occupation_group": data["occupation_group"],
            "joined_on": data["joined_on"],
            **data["profile"],
        },
    )


@dataclass
class _Crypto:
    """The ID number's hash and encryption with their keys made once per import."""

    id_hash: Callable[[str], str] = field(default_factory=crypto.id_hasher)
    encrypt_id: Callable[[str], str] = field(default_factory=crypto.id_encrypter)


def _land_batch(
    job: ImportJob, actor, batch: list[RowResult], keys: _Crypto | None = None
) -> tuple[int, int]:
    """Create the good rows of one batch, set-wise, in one transaction; returns (created,
    existing). Members go in by COPY into a staging table and one INSERT ... SELECT ... ON
    CONFLICT on the ID hash, whose history and audit rows are INSERT ... SELECTs from the
    inserted rows in the same statement (PostgreSQL); one executemany and bulk creates of the
    history and audit rows on SQLite. Rows are column values, not model instances (built only
    for the few audit rows written here). Rows that turn out to belong to a member of another
    union are moved to the errors; a row someone else inserted meanwhile loses the conflict
    and is classified again. Rows whose ID hash is already there are not inserted (nor their
    numbers drawn) and are classified after the INSERT: a first import has no such rows and
    reads nothing beforehand."""
    keys = keys or _Crypto()
    by_hash = {r.data.get("id_hash") or keys.id_hash(r.data["id_card"]): r for r in batch}
    fresh, already = list(by_hash.items()), 0
    if not fresh:
        return 0, 0
    label = services.actor_label(actor)
    note = gettext("批量导入：%(file)s") % {"file": job.original_name}
    union = job.union
    template = _template(job)
    base = None
    now = timezone.now()
    members = []
    for digest, row in fresh:
        data = row.data
        columns = data.get("columns")
        if columns is None:
            base = base or roster_rows.member_base(template)
            data["id_hash"] = digest
            columns = _member_columns(data, keys, base)
        employer = data.get("employer")
        columns["employer_id"] = employer.pk if employer is not None else None
        if columns["employer_name"] != data["employer_name"]:  # named by the linked enterprise
            columns["employer_name"] = data["employer_name"]
            Member.fill_derived(roster_rows.Values(columns))
        roster_rows.stamp(columns, now)
        members.append(columns)
    with transaction.atomic(savepoint=False):  # the caller's batch transaction, if any
        history = None
        if member_rows.is_postgres():
            # History and audit rows go in with the members, set-wise, in the same statement;
            # only a row whose text the log must mask (a phone or ID number typed into a name)
            # gets its audit row built here.
            history = roster_rows.JoinRows(
                event=MemberEvent(
                    kind=EventKind.JOIN, union=union, actor=job.created_by,
                    actor_label=label, note=note,
                ),
                entry=audit.build(
                    actor=actor, action=AuditAction.CREATE, instance=template,
                    org_path=union.path, changes={},
                ),
                by_caller=frozenset(
                    m["id_card_hash"] for m in members if _log_must_mask(m)
                ),
            )  # fmt: skip
        # A batch commits without waiting for the disk. A database crash can then lose the
        # last batches, never part of one: the job is not done, the reaper marks it failed and
        # the re-run enrols them, idempotently. The job's final save commits as usual, which
        # flushes every batch before it.
        members = roster_rows.members_insert(
            members, union.region_code, history=history, wait_for_disk=False
        )
        # The figures: each new member counts where member_key says, and as one join.
        counted = Counter(figures.member_key(roster_rows.Values(m), union.path) for m in members)
        figures.record_many(
            [
                (union.path, "m.joined", None, len(members)),
                *(
                    (path, metric, day, n)
                    for key, n in counted.items()
                    for path, metric, day in key
                ),
            ]
        )
        if history is None:
            roster_rows.copy_objects(
                MemberEvent,
                [
                    MemberEvent(
                        member_id=m["id"],
                        kind=EventKind.JOIN,
                        status_after=m["status"],
                        union=union,
                        actor=job.created_by,
                        actor_label=label,
                        note=note,
                    )
                    for m in members
                ],
            )
        entries = []
        for m in members:
            if history is None or m["id_card_hash"] in history.by_caller:
                instance = roster_rows.member_instance(m)
                entries.append(
                    audit.build(
                        actor=actor,
                        action=AuditAction.CREATE,
                        instance=instance,
                        org_path=union.path,
                        changes=audit.diff({}, audit.snapshot(instance)),
                    )
                )
        roster_rows.copy_objects(AuditLog, entries)
    if len(members) < len(fresh):
        landed = {m["id_card_hash"] for m in members}
        lost = {digest: row for digest, row in fresh if digest not in landed}
        still_fresh, already = _classify(job, actor, lost)
        for _digest, row in still_fresh:
            # Not inserted yet not found: inserted and removed again meanwhile.
            row.errors["id_card"] = gettext("该身份证号码正在由其他途径登记，请稍后重新导入本行。")
    return len(members), already


def error_report_xlsx(bad: list[RowResult], changes: list[spreadsheet.Change] = ()) -> bytes:
    """The bad rows as they were, the wrong cells marked, the reasons in the last column; a
    second sheet lists every value the import read differently from its cell. Every cell
    goes through safe_row: a name like ``=HYPERLINK(...)`` stays text."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    fill = PatternFill("solid", fgColor="FFC7CE")
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("错误行")
    headers = [header for _name, header, _required, _aliases in COLUMNS]
    sheet.append(safe_row([gettext("原行号"), *headers, gettext("错误原因")]))
    columns = [name for name, *_rest in COLUMNS]
    for letter in "CD":  # ID and phone stay text when the clerk fixes them here
        sheet.column_dimensions[letter].number_format = "@"
    for row in bad:
        reasons = "；".join(
            f"{HEADER_OF.get(name, gettext('文件'))}：{message}"
            for name, message in row.errors.items()
        )
        sheet.append(safe_row([row.number, *row.values, reasons]))
        excel_row = sheet.max_row
        for column in (3, 4):
            sheet.cell(row=excel_row, column=column).number_format = "@"
        for name, message in row.errors.items():
            if name in columns:
                cell = sheet.cell(row=excel_row, column=columns.index(name) + 2)
                cell.fill = fill
                cell.comment = Comment(message, "gonghui")
    if changes:
        fixed = book.create_sheet(gettext("已修正"))
        titles = [gettext("原行号"), gettext("列"), gettext("原值"), gettext("导入值")]
        fixed.append(safe_row(titles))
        for change in changes:
            fixed.append(safe_row([change.row, change.column, change.before, change.after]))
            for column in (3, 4):
                fixed.cell(row=fixed.max_row, column=column).number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _heartbeat(job: ImportJob, **counts) -> None:
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), **counts)


@dataclass
class _Parsed:
    """One batch of rows read: the good ones (their member columns built, the ID number
    hashed and sealed), the bad, the changes."""

    good: list[RowResult]
    bad: list[RowResult]
    changes: list[spreadsheet.Change]


def _parse_batch(rows, positions, today, seen, read_profile, keys, base, language) -> _Parsed:
    """Read one batch of rows (no database): ``seen`` (ID number -> row) spans the file; a
    good row's member columns are built from ``base`` (``rows.member_base``)."""
    parsed = _Parsed([], [], [])
    with translation.override(language):
        for number, row in rows:
            result = _parse_row(number, row, positions, today, parsed.changes, read_profile)
            data = result.data
            id_card = data["id_card"]
            if not result.errors and id_card in seen:
                result.errors["id_card"] = gettext("与第%(row)s行的身份证号码重复。") % {
                    "row": seen[id_card]
                }
            if result.errors:
                parsed.bad.append(result)
                continue
            seen[id_card] = number
            data["id_hash"] = keys.id_hash(id_card)
            data["columns"] = _member_columns(data, keys, base)
            parsed.good.append(result)
    return parsed


def import_rows(job: ImportJob, table: spreadsheet.Table, *, actor=SYSTEM) -> None:
    """Enrol the rows batch by batch. Reading a batch is Python's work and landing one is
    mostly the database's: the next batch is read (in a thread, touching no database) while
    the database lands this one; batches still land, commit and report progress in order."""
    header = header_map(table)
    positions = header.positions
    today = timezone.localdate()
    seen: dict[str, int] = {}
    bad: list[RowResult] = []
    changes: list[spreadsheet.Change] = []
    created = existing = processed = 0
    read_profile = profile_reader()
    keys = _Crypto()
    base = roster_rows.member_base(_template(job))
    language = translation.get_language()
    body = body_rows(table, header)
    batches = [body[start : start + BATCH_SIZE] for start in range(0, len(body), BATCH_SIZE)]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-read") as reader:

        def read(index: int) -> Future | None:
            if index >= len(batches):
                return None
            return reader.submit(
                _parse_batch, batches[index], positions, today, seen, read_profile, keys, base,
                language,
            )  # fmt: skip

        ahead = read(0)
        for index, batch in enumerate(batches):
            parsed = ahead.result()
            ahead = read(index + 1)
            good = parsed.good
            bad.extend(parsed.bad)
            changes.extend(parsed.changes)
            # The batch and the progress it makes commit together.
            with transaction.atomic():
                _link_employers(job, actor, good)
                linked = [r for r in good if not r.errors]
                made, already = _land_batch(job, actor, linked, keys)
                bad.extend(r for r in good if r.errors)
                created += made
                existing += already
                processed += len(batch)
                _heartbeat(
                    job, processed_rows=processed, created_count=created,
                    existing_count=existing, error_count=len(bad), changed_count=len(changes),
                )  # fmt: skip
    bad.sort(key=lambda r: r.number)
    job.refresh_from_db()
    if bad or changes:
        job.error_report.save(
            "report.xlsx", ContentFile(error_report_xlsx(bad, changes)), save=False
        )
    job.status = ImportStatus.DONE
    job.total_rows = len(body)
    job.changed_count = len(changes)
    job.finished_at = timezone.now()
    job.save()


@task()
def run_import(job_id: int) -> None:
    # Claim the job in one UPDATE: two workers handed the same id cannot both run it.
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, heartbeat_at=timezone.now()
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("union", "created_by").get(pk=job_id)
    actor = job.created_by or SYSTEM
    # Success or failure, the roster is not kept. A worker killed or shut down mid-way
    # (SIGKILL, SystemExit) leaves its sealed file for the re-run until import_cleanup.
    try:
        import_rows(job, read_rows(read_stored(job)), actor=actor)
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, message=str(exc)[:500], finished_at=timezone.now()
        )
        discard_upload(job)
        raise
    discard_upload(job)


# ---- Dead workers, re-runs and expiry ---------------------------------------------------------


def stale_before(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(minutes=STALE_MINUTES)


def is_stalled(job: ImportJob, now: datetime.datetime | None = None) -> bool:
    beat = job.heartbeat_at or job.created_at
    return job.status == ImportStatus.RUNNING and beat < stale_before(now)


def report_expired(job: ImportJob, now: datetime.datetime | None = None) -> bool:
    if job.finished_at is None:
        return False
    return job.finished_at + datetime.timedelta(days=REPORT_DAYS) <= (now or timezone.now())


def _mark_interrupted(job: ImportJob, actor) -> None:
    before = audit.snapshot(job, fields=("status", "message"))
    job.status = ImportStatus.FAILED
    job.message = gettext("导入进程已中断（超过%(minutes)d分钟无进展），可以重新运行。") % {
        "minutes": STALE_MINUTES
    }
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=job,
        org_path=job.union.path,
        changes=audit.diff(before, audit.snapshot(job, fields=("status", "message"))),
    )


def import_jobs_reap(*, actor=SYSTEM) -> int:
    """Mark failed every running job whose worker stopped reporting; returns how many."""
    count = 0
    stale = ImportJob.objects.filter(status=ImportStatus.RUNNING)
    for job_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().select_related("union").get(pk=job_id)
            if is_stalled(job):
                _mark_interrupted(job, actor)
                count += 1
    return count


def import_rerun(*, actor, job: ImportJob) -> ImportJob:
    """Run a failed (or dead) import again from its sealed file. Idempotent: everyone the
    first run enrolled is found by the ID hash and counted as already a member."""
    require_in_scope(actor, job.union.path, Action.CHANGE)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("union").get(pk=job.pk)
        if is_stalled(job):
            _mark_interrupted(job, actor)
        if job.status != ImportStatus.FAILED:
            raise ValidationError({"__all__": _("只有失败或中断的导入可以重新运行。")})
        if not job.file:
            raise ValidationError({"__all__": _("原文件已按规定删除，请重新上传名单。")})
        before = audit.snapshot(job, fields=("status", "message"))
        if job.error_report:
            job.error_report.storage.delete(job.error_report.name)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.PENDING, message="", finished_at=None, heartbeat_at=None,
            processed_rows=0, created_count=0, existing_count=0, error_count=0,
            changed_count=0, error_report="",
        )  # fmt: skip
        job.refresh_from_db()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=job,
            org_path=job.union.path,
            changes=audit.diff(before, audit.snapshot(job, fields=("status", "message"))),
        )
        job_id = job.pk
        transaction.on_commit(lambda: run_import.enqueue(job_id))
    return job


def import_files_purge(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Delete expired error reports, and rosters left by jobs that will not run again
    (finished, or failed longer ago than the report retention). Returns (reports, rosters)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=REPORT_DAYS)
    reports = rosters = 0
    for job in ImportJob.objects.filter(finished_at__lte=cutoff).exclude(error_report=""):
        job.error_report.storage.delete(job.error_report.name)
        ImportJob.objects.filter(pk=job.pk).update(error_report="")
        reports += 1
    leftovers = ImportJob.objects.exclude(file="").filter(
        status=ImportStatus.DONE
    ) | ImportJob.objects.exclude(file="").filter(
        status=ImportStatus.FAILED, finished_at__lte=cutoff
    )
    for job in leftovers:
        discard_upload(job)
        rosters += 1
    return reports, rosters


@task()
def import_cleanup() -> dict:
    """Periodic: dead workers' jobs marked failed, expired reports and old rosters deleted."""
    reaped = import_jobs_reap()
    reports, rosters = import_files_purge()
    return {"reaped": reaped, "reports": reports, "rosters": rosters}


def job_context(job: ImportJob, *, user) -> dict:
    """What the progress page shows: a dead worker's job reads as interrupted before the
    cleanup task has marked it, and only an officer who may change the union can re-run."""
    stalled = is_stalled(job)
    may_change = scope_for(user, Action.CHANGE).covers(job.union.path)
    return {
        "job": job,
        "stalled": stalled,
        "report_expired": report_expired(job) and bool(job.error_count + job.changed_count),
        "report_days": REPORT_DAYS,
        "can_rerun": may_change
        and bool(job.file)
        and (stalled or job.status == ImportStatus.FAILED),
    }
