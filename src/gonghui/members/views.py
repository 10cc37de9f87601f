"""Officer pages on member records (the worker's own pages, the join and the card are
``gonghui.joining``). Thin: parse, call a selector or service, render."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core import audit
from gonghui.core.cells import safe_row
from gonghui.core.forms import apply_service_errors
from gonghui.core.scoping import Action, get_visible_or_404, scope_for
from gonghui.core.views import OfficerViewMixin
from gonghui.organizations.models import Organization

from . import card, merge, review, selectors, services
from .choices import MemberStatus
from .forms import (
    EnrolForm,
    JoinPolicyForm,
    MemberEditForm,
    MemberFilterForm,
    MergeForm,
    MoveAllForm,
    RefuseForm,
    StatusForm,
    TransferForm,
)
from .models import Member

# ---- Officer views ----------------------------------------------------------------------------


def _filters(request):
    unions = selectors.union_choices(user=request.user, action=Action.VIEW)
    form = MemberFilterForm(request.GET or None, unions=unions)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, {k: v for k, v in filters.items() if v not in (None, "")}


class MemberListView(OfficerViewMixin, View):
    def get(self, request):
        form, filters = _filters(request)
        members = selectors.member_list(user=request.user, **filters)
        page = Paginator(members, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {"form": form, "page": page, "query": query.urlencode()}
        return render(request, "members/list.html", context)


class MemberExportView(OfficerViewMixin, View):
    """The current filter as .xlsx. ID numbers always masked; phones masked unless an officer
    who may change these records asks for them (``?phones=1``). Every cell goes through
    ``safe_row`` (no formulas, nothing an xlsx cannot hold); the export is an audit row."""

    MAX_ROWS = 100_000

    def get(self, request):
        from openpyxl import Workbook

        _form, filters = _filters(request)
        members = selectors.member_list(user=request.user, **filters)[: self.MAX_ROWS]
        full_phones = request.GET.get("phones") == "1"
        change_scope = scope_for(request.user, Action.CHANGE)
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("会员"))
        sheet.append(
            safe_row([_("会员编号"), _("姓名"), _("身份证号码"), _("手机号码"), _("性别"),
                      _("出生日期"), _("职业群体"), _("工作单位"), _("所属工会"), _("入会日期"),
                      _("会籍状态")])
        )  # fmt: skip
        rows = 0
        for m in members.iterator(chunk_size=2000):
            phone = m.phone if full_phones and change_scope.covers(m.union.path) else m.phone_masked
            sheet.append(
                safe_row([m.member_number, m.name, m.id_card_masked, phone, m.get_gender_display(),
                          m.birth_date, m.get_occupation_group_display(), m.employer_name,
                          m.union.name, m.joined_on, m.get_status_display()])
            )  # fmt: skip
            rows += 1
        out = io.BytesIO()
        book.save(out)
        out.seek(0)
        union = None
        if filters.get("union_id"):
            union = Organization.objects.visible_to(request.user).filter(pk=filters["union_id"])
            union = union.first()
        audit.record_export(
            actor=request.user,
            model=Member,
            org_path=union.path if union else (scope_for(request.user, Action.VIEW).path or ""),
            label=_("会员导出"),
            filters={**{k: v for k, v in filters.items() if k != "union_id"}, "union": union,
                     "phones": full_phones},
            rows=rows,
        )  # fmt: skip
        name = f"members-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(out, as_attachment=True, filename=name)


class MemberDetailView(OfficerViewMixin, View):
    template = "members/detail.html"

    def get(self, request, pk, forms=None, status=200, full_id=None):
        member = selectors.member_get(user=request.user, member_id=pk)
        can_change = scope_for(request.user, Action.CHANGE).covers(member.union.path)
        stage = review.application_stage(member)
        forms = forms or {}
        context = {
            "member": member,
            "history": selectors.member_history(member=member),
            "can_change": can_change,
            "pending": selectors.pending_transfers_for(member=member).first(),
            "status_form": forms.get("status") or StatusForm(),
            "refuse_form": forms.get("refuse") or RefuseForm(),
            "stage": stage,
            "can_review": stage is not None
            and scope_for(request.user, Action.CHANGE).covers(stage.reviewer.path),
            "transfer_form": forms.get("transfer") or TransferForm(exclude_union=member.union),
            "full_id": full_id,
            "phone": member.phone if can_change else member.phone_masked,
        }
        if member.status == MemberStatus.ACTIVE:
            context.update(card.card_context(request, member))
        return render(request, self.template, context, status=status)

    def post(self, request, pk):
        member = selectors.member_get(user=request.user, member_id=pk, action=Action.CHANGE)
        action = request.POST.get("action")
        try:
            if action == "show_id":
                full_id = services.member_id_card(actor=request.user, member=member)
                return self.get(request, pk, full_id=full_id)
            if action == "approve":
                review.member_review_approve(actor=request.user, member=member)
            elif action == "reject":
                form = RefuseForm(request.POST)
                if not form.is_valid():
                    return self.get(request, pk, forms={"refuse": form}, status=422)
                try:
                    review.member_review_refuse(
                        actor=request.user, member=member, reason=form.cleaned_data["reason"]
                    )
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                    return self.get(request, pk, forms={"refuse": form}, status=422)
            elif action == "status":
                form = StatusForm(request.POST)
                if not form.is_valid():
                    return self.get(request, pk, forms={"status": form}, status=422)
                services.member_set_status(
                    actor=request.user, member=member, status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"] or "", note=form.cleaned_data["note"],
                )  # fmt: skip
            elif action == "transfer":
                form = TransferForm(request.POST, exclude_union=member.union)
                if not form.is_valid():
                    return self.get(request, pk, forms={"transfer": form}, status=422)
                services.member_transfer_request(
                    actor=request.user, member=member, to_union=form.cleaned_data["to_union"],
                    reason=form.cleaned_data["reason"] or "", note=form.cleaned_data["note"],
                )  # fmt: skip
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.get(request, pk, status=422)
        messages.success(request, _("已保存。"))
        return redirect("members:detail", pk=member.pk)


class MemberEnrolView(OfficerViewMixin, View):
    template = "members/enrol.html"

    def _form(self, request, data=None):
        unions = selectors.union_choices(user=request.user)
        return EnrolForm(data, unions=unions)

    def get(self, request):
        return render(request, self.template, {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            union = data.pop("union")
            if data["joined_on"] is None:
                data.pop("joined_on")
            try:
                member = services.member_enrol(actor=request.user, union=union, **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("会员已登记。"))
                return redirect(member)
        return render(request, self.template, {"form": form}, status=422)


class TransferListView(OfficerViewMixin, View):
    def get(self, request):
        status = request.GET.get("status", "pending")
        transfers = selectors.transfer_list(user=request.user, status=status or None)
        page = Paginator(transfers, 50).get_page(request.GET.get("page"))
        change_scope = scope_for(request.user, Action.CHANGE)
        rows = [(t, change_scope.covers(t.to_union.path)) for t in page]
        return render(
            request, "members/transfers.html", {"page": page, "rows": rows, "status": status}
        )


class TransferDecideView(OfficerViewMixin, View):
    def post(self, request, pk, decision):
        if decision not in ("accept", "refuse"):
            raise Http404
        transfer = selectors.transfer_get(user=request.user, transfer_id=pk, action=Action.CHANGE)
        note = request.POST.get("note", "")[:300]
        try:
            if decision == "accept":
                services.member_transfer_accept(actor=request.user, transfer=transfer, note=note)
                messages.success(request, _("已接收转入。"))
            else:
                services.member_transfer_refuse(actor=request.user, transfer=transfer, note=note)
                messages.success(request, _("已拒绝该转会申请。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("members:transfers")


# ---- Record edits, reviews, union-wide moves, duplicates ----------------------------------------


class MemberEditView(OfficerViewMixin, View):
    """The officer's edit of a record: contact, employer (an enterprise in scope) and the
    real-name profile, through ``services.member_update`` as the API's PATCH."""

    template = "members/edit.html"

    def get(self, request, pk, form=None, status=200):
        member = selectors.member_get(user=request.user, member_id=pk, action=Action.CHANGE)
        form = form or MemberEditForm(instance=member, user=request.user)
        return render(request, self.template, {"member": member, "form": form}, status=status)

    def post(self, request, pk):
        member = selectors.member_get(user=request.user, member_id=pk, action=Action.CHANGE)
        form = MemberEditForm(request.POST, instance=Member.objects.get(pk=member.pk),
                              user=request.user)  # fmt: skip
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            if fields["employer"] is not None and not request.POST.get("employer_name"):
                fields.pop("employer_name")  # the service names the record after the enterprise
            try:
                services.member_update(actor=request.user, member=member, **fields)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect(member)
        return self.get(request, pk, form=form, status=422)


def _union(request, union_id, action=Action.CHANGE) -> Organization:
    return get_visible_or_404(Organization.objects.all(), request.user, action, pk=union_id)


class JoinPolicyView(OfficerViewMixin, View):
    """How a union takes online joins: open, reviewed by it, or reviewed by it and the union
    above (``review.join_policy_update``, as the API's PUT)."""

    template = "members/join_policy.html"

    def get(self, request, union_id, form=None, status=200):
        union = _union(request, union_id)
        policy = services.join_policy(union)
        form = form or JoinPolicyForm(
            initial={"accepts_joins": policy.accepts_joins, "review": policy.review}
        )
        return render(request, self.template, {"union": union, "form": form}, status=status)

    def post(self, request, union_id):
        union = _union(request, union_id)
        form = JoinPolicyForm(request.POST)
        if form.is_valid():
            try:
                review.join_policy_update(actor=request.user, union=union, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("入会设置已保存。"))
                return redirect("members:join-policy", union_id=union.pk)
        return self.get(request, union_id, form=form, status=422)


class MoveAllView(OfficerViewMixin, View):
    """Move every member of a union (one being dissolved) to another, in one audited step."""

    template = "members/move_all.html"

    def _form(self, request, union, data=None):
        unions = selectors.union_choices(user=request.user).exclude(pk=union.pk)
        return MoveAllForm(data, unions=unions)

    def get(self, request, union_id, form=None, status=200):
        union = _union(request, union_id)
        count = selectors.holding_member_count(union=union)
        context = {"union": union, "form": form or self._form(request, union), "count": count}
        return render(request, self.template, context, status=status)

    def post(self, request, union_id):
        union = _union(request, union_id)
        form = self._form(request, union, request.POST)
        if form.is_valid():
            try:
                moved = services.members_move_all(
                    actor=request.user, from_union=union, to_union=form.cleaned_data["to_union"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已转移%(count)d名会员。") % {"count": moved})
                return redirect("members:move-all", union_id=union.pk)
        return self.get(request, union_id, form=form, status=422)


class ReviewListView(OfficerViewMixin, View):
    """Online joins waiting for the user's decision, at the step they may take."""

    def get(self, request):
        rows = review.reviews_waiting(user=request.user)
        context = {"rows": rows, "refuse_form": RefuseForm()}
        return render(request, "members/reviews.html", context)


class DuplicatesView(OfficerViewMixin, View):
    """Suspected duplicate records in scope, each pair with why and a merge button."""

    template = "members/duplicates.html"

    def get(self, request, form=None, status=200):
        pairs = selectors.duplicate_pairs(user=request.user)
        change = scope_for(request.user, Action.CHANGE)
        rows = [
            (pair, change.covers(pair.first.union.path) and change.covers(pair.second.union.path))
            for pair in pairs
        ]
        context = {"rows": rows, "form": form}
        return render(request, self.template, context, status=status)

    def post(self, request):
        form = MergeForm(request.POST)
        if form.is_valid():
            keep = selectors.member_get(
                user=request.user, member_id=form.cleaned_data["keep"], action=Action.CHANGE
            )
            drop = selectors.member_get(
                user=request.user, member_id=form.cleaned_data["drop"], action=Action.CHANGE
            )
            try:
                merge.member_merge(
                    actor=request.user, keep=keep, drop=drop, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, _("已合并到 %(number)s。") % {"number": keep.member_number}
                )
                return redirect(keep)
        return self.get(request, form=form, status=422)
