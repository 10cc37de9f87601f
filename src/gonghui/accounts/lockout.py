"""What a locked-out caller sees: JSON in the API's error shape, or the lockout page."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("登录失败次数过多，账号已被暂时锁定，请15分钟后再试。"), "errors": {}},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "accounts/locked_out.html", status=429)
