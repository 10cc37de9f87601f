from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core.scoping import Action
from gonghui.core.views import OfficerViewMixin

from . import selectors, services
from .forms import OrgCreateForm, OrgDissolveForm, OrgForm, OrgMoveForm


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's field errors on the form fields they name (others on the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class OrgTreeView(OfficerViewMixin, View):
    def get(self, request):
        query = request.GET.get("q", "").strip()
        context = {"roots": selectors.org_roots_for(user=request.user), "q": query}
        if query:
            results = selectors.org_list(user=request.user, q=query)
            context["results"] = Paginator(results, 50).get_page(request.GET.get("page"))
        if request.htmx and request.htmx.target == "search-results":
            return render(request, "organizations/_search_results.html", context)
        return render(request, "organizations/tree.html", context)


class OrgChildrenView(OfficerViewMixin, View):
    def get(self, request, pk):
        org = selectors.org_get(user=request.user, org_id=pk)
        children = selectors.org_children(user=request.user, org=org)
        return render(request, "organizations/_children.html", {"children": children})


class OrgDetailView(OfficerViewMixin, View):
    def get(self, request, pk):
        org = selectors.org_get(user=request.user, org_id=pk)
        context = {
            "org": org,
            "counts": selectors.org_subtree_counts(org=org),
            "children": selectors.org_children(user=request.user, org=org),
            "breadcrumbs": selectors.org_breadcrumbs(user=request.user, org=org),
        }
        return render(request, "organizations/detail.html", context)


class OrgCreateView(OfficerViewMixin, View):
    def get(self, request):
        form = OrgCreateForm(user=request.user, initial={"parent": request.GET.get("parent")})
        return render(request, "organizations/form.html", {"form": form, "title": _("新建工会")})

    def post(self, request):
        form = OrgCreateForm(request.POST, user=request.user)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
            try:
                org = services.org_create(
                    actor=request.user, parent=form.cleaned_data["parent"], **data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("工会已创建。"))
                return redirect(org)
        return render(
            request, "organizations/form.html", {"form": form, "title": _("新建工会")}, status=422
        )


class OrgEditView(OfficerViewMixin, View):
    def get(self, request, pk):
        org = selectors.org_get(user=request.user, org_id=pk, action=Action.CHANGE)
        form = OrgForm(instance=org)
        return render(
            request, "organizations/form.html", {"form": form, "org": org, "title": _("编辑工会")}
        )

    def post(self, request, pk):
        org = selectors.org_get(user=request.user, org_id=pk, action=Action.CHANGE)
        # Validate on a detached copy: the service re-reads the row and writes it.
        form = OrgForm(request.POST, instance=selectors.org_get(user=request.user, org_id=pk))
        if form.is_valid():
            try:
                services.org_update(actor=request.user, org=org, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect(org)
        return render(
            request,
            "organizations/form.html",
            {"form": form, "org": org, "title": _("编辑工会")},
            status=422,
        )


class OrgMoveView(OfficerViewMixin, View):
    def get(self, request, pk):
        org = selectors.org_get(user=request.user, org_id=pk, action=Action.CHANGE)
        form = OrgMoveForm(user=request.user, org=org)
        return render(
            request, "organizations/form.html", {"form": form, "org": org, "title": _("移动工会")}
        )

    def post(self, request, pk):
        org = selectors.org_get(user=request.user, org_id=pk, action=Action.CHANGE)
        form = OrgMoveForm(request.POST, user=request.user, org=org)
        if form.is_valid():
            try:
                services.org_move(
                    actor=request.user, org=org, new_parent=form.cleaned_data["parent"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("工会及其下级已移动。"))
                return redirect(org)
        return render(
            request,
            "organizations/form.html",
            {"form": form, "org": org, "title": _("移动工会")},
            status=422,
        )


class OrgDissolveView(OfficerViewMixin, View):
    def get(self, request, pk):
        org = selectors.org_get(user=request.user, org_id=pk, action=Action.CHANGE)
        form = OrgDissolveForm()
        return render(
            request, "organizations/form.html", {"form": form, "org": org, "title": _("撤销工会")}
        )

    def post(self, request, pk):
        org = selectors.org_get(user=request.user, org_id=pk, action=Action.CHANGE)
        form = OrgDissolveForm(request.POST)
        if form.is_valid():
            try:
                services.org_dissolve(
                    actor=request.user, org=org, dissolved_on=form.cleaned_data["dissolved_on"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("工会已撤销。"))
                return redirect(org)
        return render(
            request,
            "organizations/form.html",
            {"form": form, "org": org, "title": _("撤销工会")},
            status=422,
        )
