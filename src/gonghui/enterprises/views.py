from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from gonghui.core.forms import apply_service_errors
from gonghui.core.scoping import Action
from gonghui.core.views import OfficerViewMixin, form_submitted
from gonghui.organizations.selectors import org_get, org_roots_for

from . import importing, selectors, services
from .forms import (
    ClaimForm,
    CoverageRuleForm,
    DeliverForm,
    EnterpriseForm,
    GridAssignmentForm,
    ImportForm,
    ProjectEditForm,
    ProjectEndForm,
    ProjectForm,
    ServiceProjectForm,
    SocialAccountForm,
    SocialClaimForm,
    VisitForm,
)


def _org_id(request) -> int | None:
    raw = request.GET.get("org")
    if raw and raw.isdigit():
        return int(raw)
    if request.user.organization_id:
        return request.user.organization_id
    root = org_roots_for(user=request.user).first()
    return root.pk if root else None


class EnterpriseListView(OfficerViewMixin, View):
    def get(self, request):
        covered = {"yes": True, "no": False}.get(request.GET.get("covered", ""))
        enterprises = selectors.enterprise_list(
            user=request.user,
            q=request.GET.get("q", "").strip() or None,
            kind=request.GET.get("kind") or None,
            covered=covered,
            cell=request.GET.get("cell") or None,
        )
        page = Paginator(enterprises, 50).get_page(request.GET.get("page"))
        return render(
            request, "enterprises/list.html", {"page": page, "q": request.GET.get("q", "")}
        )


class _CreateView(OfficerViewMixin, View):
    """The registration page of a registry row (``form_class``, ``create(actor, **fields)``,
    ``title``, ``done`` message), through the same service as the API's POST."""

    def _render(self, request, form, status=200):
        context = {"form": form, "title": self.title}
        return render(request, "enterprises/form.html", context, status=status)

    def get(self, request):
        return self._render(request, self.form_class(user=request.user))

    def post(self, request):
        form = self.form_class(request.POST, user=request.user)
        if form.is_valid():
            try:
                row = self.create(request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, self.done)
                return redirect(row)
        return self._render(request, form, status=422)


class EnterpriseCreateView(_CreateView):
    form_class = EnterpriseForm
    title = gettext_lazy("登记企业")
    done = gettext_lazy("企业已登记。")

    def create(self, actor, **fields):
        return services.enterprise_create(actor=actor, **fields)


class EnterpriseDetailView(OfficerViewMixin, View):
    def get(self, request, pk, forms=None, status=200):
        enterprise = selectors.enterprise_get(user=request.user, enterprise_id=pk)
        context = {
            "accounts": selectors.social_org_accounts(enterprise=enterprise),
            "account_form": SocialAccountForm(),
            "enterprise": enterprise,
            "visits": selectors.visit_list(user=request.user, enterprise=enterprise),
            "visit_form": VisitForm(),
        }
        context.update(forms or {})
        return render(request, "enterprises/detail.html", context, status=status)


class _EnterpriseFormView(OfficerViewMixin, View):
    """A form on the enterprise page (``form_class``, shown as ``context_name``) posted to the
    service ``perform(actor, enterprise, **fields)``; a refusal shows the page again with the
    errors on the form's fields."""

    def post(self, request, pk):
        enterprise = selectors.enterprise_get(
            user=request.user, enterprise_id=pk, action=Action.CHANGE
        )
        form = self.form_class(request.POST)

        def perform(**fields):
            self.perform(request.user, enterprise, **fields)

        if form_submitted(request, form, perform, self.done):
            return redirect(enterprise)
        return EnterpriseDetailView().get(request, pk, forms={self.context_name: form}, status=422)


class VisitCreateView(_EnterpriseFormView):
    form_class = VisitForm
    context_name = "visit_form"
    done = gettext_lazy("走访记录已保存。")

    def perform(self, actor, enterprise, **fields):
        return services.visit_record(actor=actor, enterprise=enterprise, **fields)


class SocialAccountCreateView(_EnterpriseFormView):
    """An officer gives a social organisation its sign-in (its contact's phone)."""

    form_class = SocialAccountForm
    context_name = "account_form"
    done = gettext_lazy("已开通社会组织账号，联系人可用该手机号码和验证码登录。")

    def perform(self, actor, enterprise, phone):
        return services.social_org_account_create(actor=actor, enterprise=enterprise, phone=phone)


class ProjectDetailView(OfficerViewMixin, View):
    def get(self, request, pk):
        project = selectors.project_get(user=request.user, project_id=pk)
        context = {"project": project, "end_form": ProjectEndForm()}
        return render(request, "enterprises/project_detail.html", context)


class CoverageView(OfficerViewMixin, View):
    def get(self, request):
        org_id = _org_id(request)
        if org_id is None:
            return render(request, "enterprises/coverage.html", {"figures": None})
        figures = selectors.coverage_for(user=request.user, org_id=org_id)
        violators = selectors.violators_for(user=request.user, org_id=org_id, limit=200)
        children = figures["org"].children.visible_to(request.user).order_by("path")
        context = {"figures": figures, "violators": violators, "children": children}
        return render(request, "enterprises/coverage.html", context)


class GridView(OfficerViewMixin, View):
    def get(self, request):
        org_id = _org_id(request)
        org = org_get(user=request.user, org_id=org_id) if org_id else None
        context = {"org": org, "cells": [], "follow_ups": [], "assign_form": None,
                   "tile_url": getattr(settings, "MAP_TILE_URL", "")}  # fmt: skip
        if org is not None:
            context["cells"] = selectors.grid_cells(user=request.user, org_id=org.pk)
            context["follow_ups"] = selectors.follow_ups_due(user=request.user, org_id=org.pk)[:100]
            officers = selectors.grid_officer_choices(user=request.user, org=org)
            context["assign_form"] = GridAssignmentForm(officers=officers)
        return render(request, "enterprises/grid.html", context)


class ImportView(OfficerViewMixin, View):
    def get(self, request):
        return render(request, "enterprises/import.html", {"form": ImportForm(user=request.user)})

    def post(self, request):
        form = ImportForm(request.POST, request.FILES, user=request.user)
        result = None
        if form.is_valid():
            try:
                result = importing.enterprise_import(
                    actor=request.user,
                    uploaded=form.cleaned_data["file"],
                    default_street_org=form.cleaned_data["street_org"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                if result.ok:
                    messages.success(
                        request,
                        _("导入完成：新增%(c)d家，更新%(u)d家，未变化%(n)d家。")
                        % {"c": result.created, "u": result.updated, "n": result.unchanged},
                    )
                    if not result.changes:  # else stay: the officer sees what was corrected
                        return redirect("enterprises:list")
        status = 200 if form.is_valid() and result and result.ok else 422
        return render(
            request, "enterprises/import.html", {"form": form, "result": result}, status=status
        )


class ImportTemplateView(OfficerViewMixin, View):
    def get(self, request):
        content, content_type, filename = importing.template(request.GET.get("format", "xlsx"))
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class _EditView(OfficerViewMixin, View):
    """The edit page of one registry row, through the same update service as the API's
    PATCH: ``load(user, pk, action)``, ``form_class`` and ``update(actor, row, **fields)``."""

    title = ""

    def _render(self, request, form, row, status=200):
        context = {"form": form, "title": self.title, "enterprise": row}
        return render(request, "enterprises/form.html", context, status=status)

    def get(self, request, pk):
        row = self.load(request.user, pk, Action.CHANGE)
        return self._render(request, self.form_class(instance=row, user=request.user), row)

    def post(self, request, pk):
        row = self.load(request.user, pk, Action.CHANGE)
        # A second copy for the form to fill while it validates; the service locks the row.
        detached = self.load(request.user, pk, Action.VIEW)
        form = self.form_class(request.POST, instance=detached, user=request.user)
        if form_submitted(request, form, partial(self.update, request.user, row), _("已保存。")):
            return redirect(row)
        return self._render(request, form, row, status=422)


class EnterpriseEditView(_EditView):
    title = gettext_lazy("编辑企业")
    form_class = EnterpriseForm

    def load(self, user, pk, action):
        return selectors.enterprise_get(user=user, enterprise_id=pk, action=action)

    def update(self, actor, row, **fields):
        return services.enterprise_update(actor=actor, enterprise=row, **fields)


class ProjectEditView(_EditView):
    title = gettext_lazy("编辑项目")
    form_class = ProjectEditForm

    def load(self, user, pk, action):
        return selectors.project_get(user=user, project_id=pk, action=action)

    def update(self, actor, row, **fields):
        return services.project_update(actor=actor, project=row, **fields)


class ProjectListView(OfficerViewMixin, View):
    def get(self, request):
        projects = selectors.project_list(user=request.user)
        page = Paginator(projects, 50).get_page(request.GET.get("page"))
        return render(request, "enterprises/project_list.html", {"page": page})


class ProjectCreateView(_CreateView):
    form_class = ProjectForm
    title = gettext_lazy("登记项目")
    done = gettext_lazy("项目已登记。")

    def create(self, actor, **fields):
        return services.project_create(actor=actor, **fields)


class ProjectEndView(OfficerViewMixin, View):
    def post(self, request, pk):
        project = selectors.project_get(user=request.user, project_id=pk, action=Action.CHANGE)
        form = ProjectEndForm(request.POST)
        if form_submitted(
            request,
            form,
            partial(services.project_end, actor=request.user, project=project),
            _("项目已完工，项目工会已撤销。"),
        ):
            return redirect(project)
        context = {"project": project, "end_form": form}
        return render(request, "enterprises/project_detail.html", context, status=422)


class CoverageRuleView(OfficerViewMixin, View):
    def _render(self, request, province, form, status=200):
        context = {"form": form, "title": _("建会规则"), "org": province}
        return render(request, "enterprises/form.html", context, status=status)

    def get(self, request, pk):
        province = org_get(user=request.user, org_id=pk, action=Action.CHANGE)
        rule = selectors.coverage_rule_get(user=request.user, province_id=pk)
        return self._render(request, province, CoverageRuleForm(initial=rule))

    def post(self, request, pk):
        province = org_get(user=request.user, org_id=pk, action=Action.CHANGE)
        form = CoverageRuleForm(request.POST)
        if form_submitted(
            request,
            form,
            partial(services.coverage_rule_set, actor=request.user, province=province),
            _("建会规则已保存。"),
        ):
            return redirect(f"{reverse('enterprises:coverage')}?org={province.pk}")
        return self._render(request, province, form, status=422)


class GridAssignView(OfficerViewMixin, View):
    def post(self, request):
        org = org_get(user=request.user, org_id=request.POST.get("org"), action=Action.CHANGE)
        officers = selectors.grid_officer_choices(user=request.user, org=org)
        form = GridAssignmentForm(request.POST, officers=officers)
        if form.is_valid():
            try:
                services.grid_assign(actor=request.user, org=org, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("网格已分配。"))
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{reverse('enterprises:grid')}?org={org.pk}")


class ServiceProjectListView(OfficerViewMixin, View):
    def get(self, request, form=None, status=200):
        projects = selectors.service_project_list(
            user=request.user, status=request.GET.get("status") or None
        )
        context = {
            "page": Paginator(projects, 50).get_page(request.GET.get("page")),
            "form": form or ServiceProjectForm(user=request.user),
        }
        return render(request, "enterprises/service_list.html", context, status=status)

    def post(self, request):
        form = ServiceProjectForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                project = services.service_project_publish(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("服务项目已发布。"))
                return redirect("enterprises:service-detail", pk=project.pk)
        return self.get(request, form=form, status=422)


class ServiceProjectDetailView(OfficerViewMixin, View):
    def get(self, request, pk):
        project = selectors.service_project_get(user=request.user, project_id=pk)
        context = {
            "project": project,
            "claims": project.claims.select_related("social_org"),
            "claim_form": ClaimForm(user=request.user),
            "deliver_form": DeliverForm(),
        }
        return render(request, "enterprises/service_detail.html", context)

    def post(self, request, pk):
        project = selectors.service_project_get(
            user=request.user, project_id=pk, action=Action.CHANGE
        )
        action = request.POST.get("action")
        try:
            if action == "claim":
                form = ClaimForm(request.POST, user=request.user)
                if form.is_valid():
                    services.service_claim_submit(
                        actor=request.user, project=project, **form.cleaned_data
                    )
                    messages.success(request, _("认领已登记。"))
            elif action == "approve":
                claim = selectors.service_claim_get(
                    user=request.user, claim_id=request.POST.get("claim"), action=Action.CHANGE
                )
                if claim.project_id != project.pk:
                    raise Http404
                services.service_claim_approve(actor=request.user, claim=claim)
                messages.success(request, _("已批准认领。"))
            elif action == "deliver":
                form = DeliverForm(request.POST)
                if form.is_valid():
                    services.service_project_deliver(
                        actor=request.user, project=project, **form.cleaned_data
                    )
                    messages.success(request, _("交付情况已记录。"))
            else:
                raise Http404
            if action != "approve" and not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        return redirect("enterprises:service-detail", pk=project.pk)


class SocialProjectsView(View):
    """A social organisation, signed in with its phone, sees the service projects open to it
    and claims them itself (on a phone too)."""

    template = "enterprises/social_projects.html"

    def _social_org(self, request):
        if not request.user.is_authenticated:
            return None
        social_org = services.social_org_of(request.user)
        if social_org is None:
            raise Http404
        return social_org

    def get(self, request, forms=None, status=200):
        social_org = self._social_org(request)
        if social_org is None:
            login = reverse("joining:me-login")
            return redirect(f"{login}?{urlencode({'next': request.path})}")
        forms = forms or {}
        projects = [
            (project, forms.get(project.pk) or SocialClaimForm(prefix=f"p{project.pk}"))
            for project in selectors.service_projects_open_to(social_org=social_org)
        ]
        context = {
            "social_org": social_org,
            "projects": projects,
            "claims": selectors.social_org_claims(social_org=social_org),
        }
        return render(request, self.template, context, status=status)

    def post(self, request, pk=None):
        social_org = self._social_org(request)
        if social_org is None or pk is None:
            raise Http404
        project = selectors.service_projects_open_to(social_org=social_org).filter(pk=pk).first()
        if project is None:
            raise Http404
        form = SocialClaimForm(request.POST, prefix=f"p{project.pk}")
        if form.is_valid():
            try:
                services.service_claim_submit_own(
                    actor=request.user, project=project, proposal=form.cleaned_data["proposal"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已提交认领，等待工会审核。"))
                return redirect("enterprises:social-projects")
        return self.get(request, forms={project.pk: form}, status=422)
