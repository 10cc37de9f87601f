from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from gonghui.core.api import ObjectId

from . import selectors, services
from .choices import GrantRole

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


# --- Account management (the account-manager grant) --------------------------------------------


class GrantOut(Schema):
    id: int
    organization_id: int
    organization_name: str
    role: str
    requires_second_factor: bool

    @staticmethod
    def resolve_organization_name(grant):
        return grant.organization.name


class AccountOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    organization_id: int | None
    is_active: bool
    requires_second_factor: bool
    grants: list[GrantOut]

    @staticmethod
    def resolve_grants(user):
        return list(selectors.account_grants(account=user)) if user.has_grants else []


class AccountIn(Schema):
    username: str = Field(..., min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")
    display_name: str = Field(..., min_length=1, max_length=60)
    phone: str = Field("", max_length=11)
    organization_id: ObjectId
    role: GrantRole = GrantRole.OFFICER
    requires_second_factor: bool = False


class AccountPatch(Schema):
    display_name: str | None = Field(None, min_length=1, max_length=60)
    phone: str | None = Field(None, max_length=11)
    requires_second_factor: bool | None = None


class GrantIn(Schema):
    organization_id: ObjectId
    role: GrantRole
    requires_second_factor: bool = False


class LinkOut(Schema):
    url: str


def _managed_org(request, pk, field="organization_id"):
    org = selectors.manage_org_options(user=request.user).filter(pk=pk).first()
    if org is None:
        raise ValidationError({field: [_("不存在或不在您的管辖范围内。")]})
    return org


def _account(request, account_id):
    return selectors.managed_account_get(user=request.user, pk=account_id)


@router.get("/accounts", response=list[AccountOut], tags=["accounts"])
@paginate
def list_accounts(request):
    return selectors.managed_accounts(user=request.user)


@router.post("/accounts", response={201: AccountOut}, tags=["accounts"])
def create_account(request, payload: AccountIn):
    data = payload.dict()
    org = _managed_org(request, data.pop("organization_id"))
    account = services.officer_account_create(actor=request.user, organization=org, **data)
    return Status(201, account)


@router.get("/accounts/{account_id}", response=AccountOut, tags=["accounts"])
def get_account(request, account_id: ObjectId):
    return _account(request, account_id)


@router.patch("/accounts/{account_id}", response=AccountOut, tags=["accounts"])
def update_account(request, account_id: ObjectId, payload: AccountPatch):
    account = _account(request, account_id)
    data = {
        "display_name": account.display_name,
        "phone": account.phone,
        "requires_second_factor": account.requires_second_factor,
        **payload.dict(exclude_unset=True, exclude_none=True),
    }
    return services.officer_account_update(actor=request.user, user=account, **data)


@router.post("/accounts/{account_id}/disable", response=AccountOut, tags=["accounts"])
def disable_account(request, account_id: ObjectId):
    account = _account(request, account_id)
    return services.officer_account_set_active(actor=request.user, user=account, active=False)


@router.post("/accounts/{account_id}/enable", response=AccountOut, tags=["accounts"])
def enable_account(request, account_id: ObjectId):
    account = _account(request, account_id)
    return services.officer_account_set_active(actor=request.user, user=account, active=True)


@router.post("/accounts/{account_id}/unlock", response=AccountOut, tags=["accounts"])
def unlock_account(request, account_id: ObjectId):
    account = _account(request, account_id)
    services.account_unlock(actor=request.user, user=account)
    return account


@router.post("/accounts/{account_id}/password-link", response=LinkOut, tags=["accounts"])
def issue_password_link(request, account_id: ObjectId):
    account = _account(request, account_id)
    path = services.password_link_issue(actor=request.user, user=account)
    return {"url": request.build_absolute_uri(path)}


@router.post("/accounts/{account_id}/grants", response={201: GrantOut}, tags=["accounts"])
def add_grant(request, account_id: ObjectId, payload: GrantIn):
    account = _account(request, account_id)
    org = _managed_org(request, payload.organization_id)
    grant = services.role_grant_add(
        actor=request.user,
        user=account,
        organization=org,
        role=payload.role,
        requires_second_factor=payload.requires_second_factor,
    )
    return Status(201, grant)


@router.delete("/accounts/{account_id}/grants/{grant_id}", response={204: None}, tags=["accounts"])
def revoke_grant(request, account_id: ObjectId, grant_id: ObjectId):
    account = _account(request, account_id)
    grant = selectors.managed_grant_get(user=request.user, account=account, grant_id=grant_id)
    services.role_grant_revoke(actor=request.user, grant=grant)
    return Status(204, None)
