from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _case_saved(sender, instance, created, raw=False, **kwargs):
    """A new case is triaged after its transaction commits, in the background (the worker with
    the database task backend), so submitting an appeal never waits for the classifier. Only the
    hand-off lives here; the work is services.on_case_created."""
    if not created or raw:
        return
    case_id = instance.pk

    def enqueue():
        from .tasks import triage_case

        triage_case.enqueue(case_id)

    transaction.on_commit(enqueue)


class TriageConfig(AppConfig):
    name = "gonghui.triage"
    label = "triage"
    verbose_name = _("诉求分拣与预警")

    def ready(self):
        from gonghui.cases.models import Case

        post_save.connect(_case_saved, sender=Case, dispatch_uid="triage_case_saved")
