from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from gonghui.core.forms import apply_service_errors
from gonghui.core.scoping import Action
from gonghui.core.views import OfficerViewMixin

from . import autocomplete, selectors, services
from .forms import OrgCreateForm, OrgDissolveForm, OrgForm, OrgMoveForm
from .models import Organization


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


class OrgAutocompleteView(LoginRequiredMixin, View):
    """Matches for an org picker (``autocomplete.OrgAutocompleteInput``) as an htmx fragment:
    at most 20, from the same scoped set the picker's form accepts."""

    def get(self, request):
        orgs = autocomplete.org_choices(request.user, request.GET.get("purpose", ""))
        if orgs is None:
            raise Http404
        exclude = request.GET.get("exclude", "")
        if exclude.isdigit():
            moved = Organization.objects.visible_to(request.user).filter(pk=exclude).first()
            if moved is not None:
                orgs = orgs.exclude(path__subtree_of=moved.path)
        q = request.GET.get(request.GET.get("field") or "q", "")
        context = {"orgs": autocomplete.search(orgs, q), "q": q.strip()}
        return render(request, "organizations/_autocomplete.html", context)


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
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("工会已创建。"))
                return redirect(org)
        return render(
            request, "organizations/form.html", {"form": form, "title": _("新建工会")}, status=422
        )


class OrgActionView(OfficerViewMixin, View):
    """GET shows a form for one org the user may change; POST validates it and calls one
    service. Subclasses name the form, the title, the service call and the success message."""

    title = ""
    success_message = ""

    def make_form(self, request, org, data=None):
        raise NotImplementedError

    def perform(self, request, org, form):
        raise NotImplementedError

    def render_form(self, request, org, form, status=200):
        context = {"form": form, "org": org, "title": self.title}
        return render(request, "organizations/form.html", context, status=status)

    def get(self, request, pk):
        org = selectors.org_get(user=request.user, org_id=pk, action=Action.CHANGE)
        return self.render_form(request, org, self.make_form(request, org))

    def post(self, request, pk):
        org = selectors.org_get(user=request.user, org_id=pk, action=Action.CHANGE)
        form = self.make_form(request, org, request.POST)
        if form.is_valid():
            try:
                self.perform(request, org, form)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(org)
        return self.render_form(request, org, form, status=422)


class OrgEditView(OrgActionView):
    title = _lazy("编辑工会")
    success_message = _lazy("已保存。")

    def make_form(self, request, org, data=None):
        # Bound to a detached copy: the service re-reads the row under a lock and writes it.
        instance = selectors.org_get(user=request.user, org_id=org.pk) if data else org
        return OrgForm(data, instance=instance)

    def perform(self, request, org, form):
        services.org_update(actor=request.user, org=org, **form.cleaned_data)


class OrgMoveView(OrgActionView):
    title = _lazy("移动工会")
    success_message = _lazy("工会及其下级已移动。")

    def make_form(self, request, org, data=None):
        return OrgMoveForm(data, user=request.user, org=org)

    def perform(self, request, org, form):
        services.org_move(actor=request.user, org=org, new_parent=form.cleaned_data["parent"])


class OrgDissolveView(OrgActionView):
    title = _lazy("撤销工会")
    success_message = _lazy("工会已撤销。")

    def make_form(self, request, org, data=None):
        return OrgDissolveForm(data)

    def perform(self, request, org, form):
        services.org_dissolve(
            actor=request.user, org=org, dissolved_on=form.cleaned_data["dissolved_on"]
        )
