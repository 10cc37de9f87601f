from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberStatus(models.TextChoices):
    APPLIED = "applied", _("待审核")
    ACTIVE = "active", _("正常")
    TRANSFERRED = "transferred", _("已转出")
    LAPSED = "lapsed", _("已失效")
    WITHDRAWN = "withdrawn", _("已退会")
    DECEASED = "deceased", _("已故")
    # A duplicate record folded into another (``Member.merged_into``): kept for its history.
    MERGED = "merged", _("已合并")


# A member in one of these states holds a membership somewhere and cannot join again.
HOLDING_STATUSES = (MemberStatus.APPLIED, MemberStatus.ACTIVE)


class OccupationGroup(models.TextChoices):
    """The 八大群体 of new-form workers, plus everyone else."""

    TRUCK_DRIVER = "truck_driver", _("货车司机")
    RIDE_HAILING_DRIVER = "ride_hailing_driver", _("网约车司机")
    COURIER = "courier", _("快递员")
    FOOD_DELIVERY = "food_delivery", _("外卖送餐员")
    CARER = "carer", _("护工护理员")
    DOMESTIC_WORKER = "domestic_worker", _("家政服务员")
    MALL_INFORMANT = "mall_informant", _("商场信息员")
    SECURITY_GUARD = "security_guard", _("保安员")
    OTHER = "other", _("其他职工")


# Words in an industry union's name that say which group it serves (新屋岭快递物流行业工会 ...).
GROUP_KEYWORDS = {
    OccupationGroup.TRUCK_DRIVER: ("货车", "货运", "卡车"),
    OccupationGroup.RIDE_HAILING_DRIVER: ("网约车", "出租"),
    OccupationGroup.COURIER: ("快递",),
    OccupationGroup.FOOD_DELIVERY: ("外卖", "送餐", "配送"),
    OccupationGroup.CARER: ("护工", "护理", "养老"),
    OccupationGroup.DOMESTIC_WORKER: ("家政",),
    OccupationGroup.MALL_INFORMANT: ("商场", "商贸", "零售", "商圈"),
    OccupationGroup.SECURITY_GUARD: ("保安", "物业"),
    OccupationGroup.OTHER: (),
}


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class JoinChannel(models.TextChoices):
    ONLINE = "online", _("线上自助入会")
    OFFICER = "officer", _("工会干部登记")
    IMPORT = "import", _("批量导入")


class EventKind(models.TextChoices):
    """会籍变化类型, as existing member systems code them, plus approval and lapse."""

    JOIN = "join", _("入会")
    APPROVE = "approve", _("入会审核通过")
    REJECT = "reject", _("入会申请驳回")
    TRANSFER_REQUEST = "transfer_request", _("申请转会")
    TRANSFER_OUT = "transfer_out", _("转出")
    TRANSFER_IN = "transfer_in", _("转入")
    TRANSFER_REFUSED = "transfer_refused", _("转会被拒绝")
    RETAINED = "retained", _("保留会籍")
    REMOVED = "removed", _("除名")
    WITHDRAWN = "withdrawn", _("退会")
    LAPSED = "lapsed", _("会籍失效")
    DECEASED = "deceased", _("去世")
    REINSTATED = "reinstated", _("恢复会籍")
    # Two-level review: the unit union passed the application on to the union above.
    FIRST_REVIEW = "first_review", _("基层工会初审通过")
    MERGED = "merged", _("合并重复记录")


class EventReason(models.TextChoices):
    NONE = "", _("—")
    EMPLOYER_CHANGE = "employer_change", _("变更工作单位")
    LAID_OFF = "laid_off", _("下岗")
    UNEMPLOYED = "unemployed", _("失业")
    EMPLOYER_BANKRUPT = "employer_bankrupt", _("单位破产或关闭")
    RETIRED = "retired", _("退休")
    OWN_REQUEST = "own_request", _("本人申请")
    EXPELLED = "expelled", _("开除")
    UNION_DISSOLVED = "union_dissolved", _("工会撤销")
    OTHER = "other", _("其他")


class JoinReview(models.TextChoices):
    """How a union takes online joins (its ``UnionJoinPolicy``)."""

    OPEN = "open", _("自动通过")
    REVIEW = "review", _("本级工会审核")
    TWO_LEVEL = "two_level", _("两级审核（本级初审，上级复审）")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    REFUSED = "refused", _("已拒绝")
    CANCELLED = "cancelled", _("已撤回")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


# Fields of the national real-name member record (全国工会会员实名制).
class Education(models.TextChoices):
    PRIMARY = "primary", _("小学及以下")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专/技校")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("在岗")
    FURLOUGHED = "furloughed", _("待岗")
    UNEMPLOYED = "unemployed", _("失业")
    RETIRED = "retired", _("退休")
    FLEXIBLE = "flexible", _("灵活就业")
    OTHER = "other", _("其他")


class SkillLevel(models.TextChoices):
    NONE = "none", _("无")
    ELEMENTARY = "elementary", _("初级工")
    INTERMEDIATE = "intermediate", _("中级工")
    SENIOR = "senior", _("高级工")
    TECHNICIAN = "technician", _("技师")
    SENIOR_TECHNICIAN = "senior_technician", _("高级技师")


class HukouType(models.TextChoices):
    AGRICULTURAL = "agricultural", _("农业户口")
    NON_AGRICULTURAL = "non_agricultural", _("非农业户口")


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "cpc_member", _("中共党员")
    CPC_PROBATIONARY = "cpc_probationary", _("中共预备党员")
    LEAGUE_MEMBER = "league_member", _("共青团员")
    DEMOCRATIC_PARTY = "democratic_party", _("民主党派")
    MASSES = "masses", _("群众")
