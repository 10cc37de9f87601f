"""The officer's import pages: the upload, the template, the progress, the re-run and the
report. Thin: parse, call a selector or service, render."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core.forms import apply_service_errors
from gonghui.core.views import OfficerViewMixin
from gonghui.members import selectors as member_selectors

from . import importing, selectors
from .forms import ImportForm


class ImportView(OfficerViewMixin, View):
    template = "rosters/import.html"

    def _form(self, request, data=None, files=None):
        return ImportForm(data, files, unions=member_selectors.union_choices(user=request.user))

    def get(self, request):
        return render(request, self.template, {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST, request.FILES)
        if form.is_valid():
            try:
                job = importing.import_start(
                    actor=request.user, union=form.cleaned_data["union"],
                    upload=form.cleaned_data["file"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return redirect("rosters:import-job", pk=job.pk)
        return render(request, self.template, {"form": form}, status=422)


class ImportTemplateView(OfficerViewMixin, View):
    def get(self, request):
        return FileResponse(
            io.BytesIO(importing.template_xlsx()),
            as_attachment=True,
            filename="member-import-template.xlsx",
        )


class ImportJobView(OfficerViewMixin, View):
    def get(self, request, pk):
        job = selectors.import_job_get(user=request.user, job_id=pk)
        template = "rosters/_import_progress.html" if request.htmx else "rosters/import_job.html"
        return render(request, template, importing.job_context(job, user=request.user))


class ImportRerunView(OfficerViewMixin, View):
    def post(self, request, pk):
        job = selectors.import_job_get(user=request.user, job_id=pk)
        try:
            importing.import_rerun(actor=request.user, job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已重新开始导入。"))
        return redirect("rosters:import-job", pk=job.pk)


class ImportReportView(OfficerViewMixin, View):
    def get(self, request, pk):
        job = selectors.import_job_get(user=request.user, job_id=pk)
        if importing.report_expired(job) and job.error_count + job.changed_count:
            context = {"job": job, "days": importing.REPORT_DAYS}
            return render(request, "rosters/import_report_expired.html", context, status=410)
        if not job.error_report:
            raise Http404
        response = FileResponse(
            job.error_report.open("rb"), as_attachment=True, filename=f"import-report-{job.pk}.xlsx"
        )
        response["Cache-Control"] = "private, no-store"
        return response
