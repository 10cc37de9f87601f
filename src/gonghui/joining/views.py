"""The worker's own pages: the one-click join, signing in by phone, their membership and card,
their real-name profile; and the public card and verification pages. Thin: parse, call a
selector or service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core import ratelimit
from gonghui.core.forms import apply_service_errors
from gonghui.core.redirects import safe_next
from gonghui.members import review, selectors
from gonghui.members import services as member_services
from gonghui.members.card import card_context, verify_url
from gonghui.members.choices import MemberStatus
from gonghui.members.forms import ProfileForm, TransferForm
from gonghui.members.models import Member

from . import phonecodes, services
from .card import card_png
from .forms import JoinConfirmForm, JoinDetailsForm, PhoneForm


def _send_code(request, *, phone, purpose):
    phonecodes.phone_code_send(
        phone=phone,
        purpose=purpose,
        address=ratelimit.address(request),
        device=ratelimit.device(request),
    )


def _sign_in_worker(request, *, phone, member=None):
    user = services.worker_account_for_phone(phone=phone, member=member)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return user


# ---- Public: join ------------------------------------------------------------------------------


class JoinView(View):
    """Step 1: who you are and where you work. Step 2: pick the proposed union and type the code
    sent to your phone. Then you are a member, signed in, and see your card."""

    template = "joining/join.html"

    def get(self, request):
        form = JoinDetailsForm(initial=JoinDetailsForm.initial_from(request.GET))
        response = render(request, self.template, {"form": form, "step": "details"})
        return ratelimit.ensure_device_cookie(request, response)

    def post(self, request):
        if request.POST.get("step") == "confirm":
            return self.confirm(request)
        form = JoinDetailsForm(request.POST)
        if not form.is_valid():
            return render(request, self.template, {"form": form, "step": "details"}, status=422)
        proposals = selectors.propose_unions(
            occupation_group=form.cleaned_data["occupation_group"],
            employer_name=form.cleaned_data["employer_name"],
            work_place=form.cleaned_data["work_place"],
        )
        if not proposals:
            form.add_error(
                "work_place",
                _(
                    "您所在地附近暂时没有可以在线加入的工会。请填写更具体的工作地点（如街道、园区），"
                    "或拨打职工服务热线12351，由工会帮您入会。"
                ),
            )
            context = {"form": form, "step": "details", "hotline": selectors.UNION_HOTLINE}
            return render(request, self.template, context, status=422)
        try:
            _send_code(request, phone=form.cleaned_data["phone"], purpose="join")
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return render(request, self.template, {"form": form, "step": "details"}, status=422)
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            response = render(request, self.template, {"form": form, "step": "details"})
            return ratelimit.with_retry_after(response, exc)
        # Only a union in the worker's own county is chosen for them; anything further away is
        # offered, and the worker picks it themselves.
        chosen = next((p.union.pk for p in proposals if p.local), None)
        confirm = JoinConfirmForm(
            initial={**form.cleaned_data, "union_id": chosen}, proposals=proposals
        )
        return render(
            request, self.template, {"form": confirm, "step": "confirm", "proposals": proposals}
        )

    def confirm(self, request):
        details = JoinDetailsForm(request.POST)
        proposals = []
        if details.is_valid():
            proposals = selectors.propose_unions(
                occupation_group=details.cleaned_data["occupation_group"],
                employer_name=details.cleaned_data["employer_name"],
                work_place=details.cleaned_data["work_place"],
            )
        form = JoinConfirmForm(request.POST, proposals=proposals)
        context = {"form": form, "step": "confirm", "proposals": proposals}
        if not form.is_valid():
            return render(request, self.template, context, status=422)
        data = dict(form.cleaned_data)
        union = next((p.union for p in proposals if p.union.pk == data.pop("union_id")), None)
        code = data.pop("code")
        if union is None:
            form.add_error("union_id", _("请选择推荐的工会之一。"))
            return render(request, self.template, context, status=422)
        try:
            result = services.member_join_online(union=union, code=code, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            context["already_member"] = services.is_already_member(exc)
            return render(request, self.template, context, status=422)
        _sign_in_worker(request, phone=data["phone"], member=result.member)
        if result.created:
            messages.success(request, _("入会成功！"))
        return redirect("joining:me")


class JoinCodeView(View):
    """Send the code again (htmx button on step 2)."""

    def post(self, request):
        form = PhoneForm(request.POST)
        status, text = 200, _("验证码已发送，请查收短信。")
        if form.is_valid():
            try:
                _send_code(request, phone=form.cleaned_data["phone"], purpose="join")
            except ValidationError as exc:
                status, text = 422, " ".join(exc.messages)
            except ratelimit.RateLimited as exc:
                response = HttpResponse(exc.message)
                return response if request.htmx else ratelimit.with_retry_after(response, exc)
        else:
            status, text = 422, _("请输入11位中国大陆手机号码（1开头，第二位为3-9）。")
        return HttpResponse(text, status=status if not request.htmx else 200)


# ---- Public: card and verification ------------------------------------------------------------


class CardView(View):
    """The card behind a token: anyone holding the QR sees its face (no ID number, no phone)."""

    def get(self, request, token):
        check = selectors.card_check(token)
        if check.result != "valid":
            return render(request, "joining/verify.html", {"check": check}, status=404)
        return render(request, "joining/card.html", card_context(request, check.member))


class CardPngView(View):
    def get(self, request, token):
        check = selectors.card_check(token)
        if check.result != "valid":
            raise Http404
        png = card_png(check.member, verify_url(request, token))
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "private, max-age=300"
        return response


class VerifyView(View):
    def get(self, request, token):
        check = selectors.card_check(token)
        return render(request, "joining/verify.html", {"check": check})


# ---- Worker: sign in by phone, own membership -------------------------------------------------


class MeLoginView(View):
    template = "joining/me_login.html"

    def get(self, request):
        response = render(request, self.template, {"form": PhoneForm(), "sent": False})
        return ratelimit.ensure_device_cookie(request, response)

    def post(self, request):
        form = PhoneForm(request.POST)
        if not form.is_valid():
            return render(request, self.template, {"form": form, "sent": False}, status=422)
        phone, code = form.cleaned_data["phone"], form.cleaned_data["code"]
        try:
            if not code:
                _send_code(request, phone=phone, purpose="login")
                return render(request, self.template, {"form": form, "sent": True})
            phonecodes.phone_code_check(phone=phone, code=code, purpose="login")
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return render(request, self.template, {"form": form, "sent": bool(code)}, status=422)
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            response = render(request, self.template, {"form": form, "sent": False})
            return ratelimit.with_retry_after(response, exc)
        _sign_in_worker(request, phone=phone)
        return redirect(safe_next(request) or "joining:me")


class MeView(View):
    """A worker's own membership: status, e-card, history, and a transfer request."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('joining:me-login')}?{urlencode({'next': request.path})}")
        return super().dispatch(request, *args, **kwargs)

    def _member(self, request):
        return Member.objects.select_related("union").filter(account=request.user).first()

    def get(self, request, form=None, status=200):
        member = self._member(request)
        context = {"member": member}
        if member is not None:
            context["history"] = selectors.member_history(member=member)
            context["pending"] = selectors.pending_transfers_for(member=member).first()
            context["transfer_form"] = form or TransferForm(exclude_union=member.union)
            context["stage"] = review.application_stage(member)
            context["refusal"] = review.application_refusal(member)
            if member.status == MemberStatus.ACTIVE:
                context.update(card_context(request, member))
        return render(request, "joining/me.html", context, status=status)

    def post(self, request):
        member = self._member(request)
        if member is None:
            raise Http404
        form = TransferForm(request.POST, exclude_union=member.union)
        if form.is_valid():
            try:
                member_services.member_transfer_request(
                    actor=request.user, member=member, to_union=form.cleaned_data["to_union"],
                    reason=form.cleaned_data["reason"] or "", note=form.cleaned_data["note"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("转会申请已提交，等待转入工会审核。"))
                return redirect("joining:me")
        return self.get(request, form=form, status=422)


class MeProfileView(MeView):
    """The worker completes their own real-name profile, on the phone."""

    template = "joining/me_profile.html"

    def get(self, request, form=None, status=200):
        member = self._member(request)
        if member is None:
            raise Http404
        form = form or ProfileForm(instance=member)
        return render(request, self.template, {"member": member, "form": form}, status=status)

    def post(self, request):
        member = self._member(request)
        if member is None:
            raise Http404
        form = ProfileForm(request.POST, instance=Member.objects.get(pk=member.pk))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                services.member_profile_update_own(actor=request.user, member=member, **fields)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("joining:me")
        return self.get(request, form=form, status=422)
