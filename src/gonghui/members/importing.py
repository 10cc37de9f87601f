"""Bulk enrolment from a spreadsheet (批量导入): template, validation, background task, report.

A file is checked up front (size, type, headers), so a wrong file is refused in the request
and nothing is written. The rows are then enrolled by a task in batches; each batch commits
whole or not at all, so a row is either a member or a line in the error report, never half.
Re-importing the same file finds every person by the keyed ID hash and creates nobody twice.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from gonghui.core import audit
from gonghui.core.models import AuditAction
from gonghui.core.scoping import SYSTEM, Action, require_in_scope
from gonghui.core.text import search_key
from gonghui.core.validators import (
    id_card_birth_date,
    id_card_gender,
    is_valid_mobile,
    mask_id_card,
)
from gonghui.organizations.models import Organization

from . import crypto, services
from .choices import (
    HOLDING_STATUSES,
    EventKind,
    ImportStatus,
    JoinChannel,
    MemberStatus,
    OccupationGroup,
)
from .models import ImportJob, Member, MemberEvent

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
BATCH_SIZE = 1000
ALLOWED_SUFFIXES = (".xlsx", ".csv")

# (field, header in the template, required)
COLUMNS = [
    ("name", "姓名", True),
    ("id_card", "身份证号码", True),
    ("phone", "手机号码", True),
    ("occupation_group", "职业群体", False),
    ("employer_name", "工作单位", False),
    ("work_place", "工作地点", False),
    ("joined_on", "入会日期", False),
]
HEADER_OF = {name: header for name, header, _required in COLUMNS}
GROUP_BY_LABEL = {str(label): value for value, label in OccupationGroup.choices}


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = gettext("会员名单")
    sheet.append([header for _name, header, _required in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (10, 22, 14, 14, 28, 20, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    notes = book.create_sheet(gettext("填写说明"))
    notes.append([gettext("列"), gettext("说明")])
    notes.append([HEADER_OF["name"], gettext("必填")])
    notes.append([HEADER_OF["id_card"], gettext("必填，18位，末位可为X；按文本格式填写")])
    notes.append([HEADER_OF["phone"], gettext("必填，11位手机号码")])
    notes.append([HEADER_OF["occupation_group"], "、".join(GROUP_BY_LABEL)])
    notes.append([HEADER_OF["joined_on"], gettext("YYYY-MM-DD，留空为导入当天")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def read_rows(path: str, suffix: str) -> list[list[str]]:
    """Every row of the first sheet as text cells (header included)."""
    if suffix == ".csv":
        raw = Path(path).read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError({"file": _("无法识别CSV文件的编码，请另存为UTF-8。")})
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(path)
        sheet = book.get_sheet_by_index(0)
        return [
            [_cell_text(cell) for cell in row] for row in sheet.to_python(skip_empty_area=False)
        ]
    except Exception:
        raise ValidationError({"file": _("文件不是有效的Excel表格（.xlsx）。")}) from None


def header_map(header_row: list[str]) -> dict[str, int]:
    """{field: column index}; missing required headers are a file-level error."""
    positions = {}
    cleaned = [cell.strip().rstrip("*＊").strip() for cell in header_row]
    for name, header, _required in COLUMNS:
        if header in cleaned:
            positions[name] = cleaned.index(header)
    missing = [header for name, header, required in COLUMNS if required and name not in positions]
    if missing:
        raise ValidationError(
            {
                "file": _("表头不正确，缺少列：%(columns)s。请使用导入模板。")
                % {"columns": "、".join(missing)}
            }
        )
    return positions


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
    """Check the file, store it, and queue the import. Returns the job (progress on its page)."""
    require_in_scope(actor, union.path, Action.CHANGE)
    suffix = check_upload(upload)
    job = ImportJob(
        union=union,
        created_by=actor if getattr(actor, "pk", None) else None,
        original_name=Path(upload.name).name[:200],
    )
    job.file.save(f"import{suffix}", upload, save=False)
    try:
        rows = read_rows(job.file.path, suffix)
        if not rows:
            raise ValidationError({"file": _("文件是空的。")})
        header_map(rows[0])
    except ValidationError:
        job.file.delete(save=False)
        raise
    job.total_rows = sum(1 for row in rows[1:] if any(row))
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
    number: int  # row number in the sheet (header is row 1)
    values: list[str]
    data: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # {field: message}


def _parse_row(number: int, row: list[str], positions: dict[str, int], today) -> RowResult:
    def get(name):
        index = positions.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    result = RowResult(number, [get(name) for name, _h, _r in COLUMNS])
    name = get("name")
    if not name:
        result.errors["name"] = gettext("请填写姓名。")
    elif len(name) > 60:
        result.errors["name"] = gettext("内容太长。")
    try:
        number_text = services.clean_id_card(get("id_card"), today=today)
    except ValidationError as exc:
        result.errors["id_card"] = exc.message_dict["id_card"][0]
        number_text = ""
    phone = get("phone")
    if not is_valid_mobile(phone):
        result.errors["phone"] = gettext("请输入11位中国大陆手机号码（1开头，第二位为3-9）。")
    group_text = get("occupation_group")
    group = GROUP_BY_LABEL.get(group_text) or (
        group_text if group_text in OccupationGroup.values else None
    )
    if group_text and group is None:
        result.errors["occupation_group"] = gettext("职业群体不是可选的值之一。")
    joined_text = get("joined_on")
    joined = today
    if joined_text:
        try:
            joined = datetime.date.fromisoformat(joined_text.replace("/", "-")[:10])
            if joined > today:
                result.errors["joined_on"] = gettext("入会日期不能晚于今天。")
        except ValueError:
            result.errors["joined_on"] = gettext("请输入有效日期（YYYY-MM-DD）。")
    result.data = {
        "name": name,
        "id_card": number_text,
        "phone": phone,
        "occupation_group": group or OccupationGroup.OTHER,
        "employer_name": get("employer_name")[:200],
        "work_place": get("work_place")[:200],
        "joined_on": joined,
    }
    return result


def _land_batch(job: ImportJob, actor, rows: list[RowResult]) -> tuple[int, int]:
    """Create the good rows of one batch; returns (created, existing). Rows that turn out to
    belong to a member of another union are moved to the errors."""
    by_hash = {crypto.id_hash(r.data["id_card"]): r for r in rows}
    existing = {
        m.id_card_hash: m
        for m in Member.objects.filter(id_card_hash__in=list(by_hash)).select_related("union")
    }
    fresh, already = [], 0
    for digest, row in by_hash.items():
        member = existing.get(digest)
        if member is None:
            fresh.append((digest, row))
        elif member.union_id == job.union_id and member.status in HOLDING_STATUSES:
            already += 1
        elif member.status in HOLDING_STATUSES:
            row.errors["id_card"] = gettext("已是%(union)s的会员，请办理会籍转接。") % {
                "union": member.union.name
            }
        else:
            row.errors["id_card"] = gettext("曾是会员（已退会或失效），请在会员详情中恢复会籍。")
    if not fresh:
        return 0, already
    with transaction.atomic():
        numbers = services.allocate_member_numbers(job.union, len(fresh))
        members = []
        for (digest, row), member_number in zip(fresh, numbers, strict=True):
            number = row.data["id_card"]
            member = Member(
                union=job.union,
                name=row.data["name"],
                id_card_encrypted=crypto.encrypt_id(number),
                id_card_hash=digest,
                id_card_masked=mask_id_card(number),
                phone=row.data["phone"],
                gender=id_card_gender(number),
                birth_date=id_card_birth_date(number),
                employer_name=row.data["employer_name"],
                work_place=row.data["work_place"],
                occupation_group=row.data["occupation_group"],
                joined_on=row.data["joined_on"],
                status=MemberStatus.ACTIVE,
                channel=JoinChannel.IMPORT,
                member_number=member_number,
                # bulk_create skips save(), which fills this column for single rows.
                search_text=search_key(f"{row.data['name']} {row.data['employer_name']}"),
            )
            members.append(member)
        Member.objects.bulk_create(members, batch_size=500)
        if any(m.pk is None for m in members):
            # Backends that cannot return ids from a bulk insert: read them back by hash.
            ids = dict(
                Member.objects.filter(
                    id_card_hash__in=[m.id_card_hash for m in members]
                ).values_list("id_card_hash", "pk")
            )
            for member in members:
                member.pk = member.id = ids[member.id_card_hash]
        label = services.actor_label(actor)
        MemberEvent.objects.bulk_create(
            [
                MemberEvent(
                    member=m,
                    kind=EventKind.JOIN,
                    status_after=m.status,
                    union=job.union,
                    actor=job.created_by,
                    actor_label=label,
                    note=gettext("批量导入：%(file)s") % {"file": job.original_name},
                )
                for m in members
            ],
            batch_size=500,
        )
        audit.record_many(
            [
                audit.build(
                    actor=actor,
                    action=AuditAction.CREATE,
                    instance=m,
                    org_path=job.union.path,
                    changes=audit.diff({}, audit.snapshot(m)),
                )
                for m in members
            ]
        )
    return len(members), already


def error_report_xlsx(bad: list[RowResult]) -> bytes:
    """The bad rows as they were, the wrong cells marked, and the reasons in the last column."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    fill = PatternFill("solid", fgColor="FFC7CE")
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = gettext("错误行")
    headers = [header for _name, header, _required in COLUMNS]
    sheet.append([gettext("原行号"), *headers, gettext("错误原因")])
    columns = [name for name, _h, _r in COLUMNS]
    for row in bad:
        reasons = "；".join(
            f"{HEADER_OF.get(name, gettext('文件'))}：{message}"
            for name, message in row.errors.items()
        )
        sheet.append([row.number, *row.values, reasons])
        excel_row = sheet.max_row
        for name, message in row.errors.items():
            if name in columns:
                cell = sheet.cell(row=excel_row, column=columns.index(name) + 2)
                cell.fill = fill
                cell.comment = Comment(message, "gonghui")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_rows(job: ImportJob, rows: list[list[str]], *, actor=SYSTEM) -> None:
    positions = header_map(rows[0])
    today = timezone.localdate()
    seen: dict[str, int] = {}
    bad: list[RowResult] = []
    created = existing = processed = 0
    body = [(index + 2, row) for index, row in enumerate(rows[1:]) if any(cell for cell in row)]
    for start in range(0, len(body), BATCH_SIZE):
        good = []
        for number, row in body[start : start + BATCH_SIZE]:
            result = _parse_row(number, row, positions, today)
            id_card = result.data["id_card"]
            if not result.errors and id_card in seen:
                result.errors["id_card"] = gettext("与第%(row)s行的身份证号码重复。") % {
                    "row": seen[id_card]
                }
            if result.errors:
                bad.append(result)
            else:
                seen[id_card] = number
                good.append(result)
        for attempt in range(2):
            try:
                made, already = _land_batch(job, actor, good)
                break
            except IntegrityError:
                # Someone joined online in between: the next pass sees them as existing.
                if attempt:
                    raise
        bad.extend(r for r in good if r.errors)
        created += made
        existing += already
        processed += len(body[start : start + BATCH_SIZE])
        ImportJob.objects.filter(pk=job.pk).update(
            processed_rows=processed, created_count=created, existing_count=existing,
            error_count=len(bad),
        )  # fmt: skip
    bad.sort(key=lambda r: r.number)
    job.refresh_from_db()
    if bad:
        job.error_report.save("errors.xlsx", ContentFile(error_report_xlsx(bad)), save=False)
    job.status = ImportStatus.DONE
    job.total_rows = len(body)
    job.finished_at = timezone.now()
    job.save()


@task()
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("union", "created_by").get(pk=job_id)
    if job.status != ImportStatus.PENDING:
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    actor = job.created_by or SYSTEM
    try:
        rows = read_rows(job.file.path, Path(job.file.name).suffix.lower())
        import_rows(job, rows, actor=actor)
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, message=str(exc)[:500], finished_at=timezone.now()
        )
        raise
