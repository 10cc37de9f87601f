from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from . import services

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)
    otp: str | None = Field(None, max_length=8, description="TOTP code, for accounts that use one")


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    organization_id: int | None
    organization_name: str | None

    @staticmethod
    def resolve_organization_name(user):
        return user.organization.name if user.organization_id else None


@router.post("/auth/token", auth=None, response={200: TokenOut})
def issue_token(request, payload: TokenIn):
    try:
        token = services.token_issue_for_credentials(
            request=request, username=payload.username, password=payload.password, otp=payload.otp
        )
    except services.SecondFactorRequired:
        raise ValidationError({"otp": _("请输入正确的动态验证码。")}) from None
    if token is None:
        # Same answer for an unknown user, a wrong password and a locked-out account.
        raise HttpError(401, _("用户名或密码错误，或账号已被暂时锁定。"))
    return {"token": token}


@router.get("/me", response=MeOut)
def me(request):
    return request.user
