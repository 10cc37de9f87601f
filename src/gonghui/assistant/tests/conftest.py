import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.assistant import indexcache, services

WAGE_RULES = """# 工资支付规定（测试）

## 第一章 总则

第一条 为了保障劳动者按时足额取得劳动报酬，制定本规定。

第二条 用人单位应当按月以货币形式支付劳动者工资，不得克扣或者无故拖欠劳动者的工资。

## 第二章 拖欠工资的处理

第三条 用人单位拖欠劳动者工资的，劳动者可以向劳动保障监察机构投诉，\
也可以向劳动争议仲裁委员会申请仲裁。

工会应当支持劳动者依法追讨被拖欠的工资。

第四条 劳动者每日工作时间不超过八小时，平均每周工作时间不超过四十四小时。
"""


@pytest.fixture(autouse=True)
def fresh_index():
    """Each test's database rolls back; the process's index must forget it too."""
    indexcache.reset()
    yield
    indexcache.reset()


def text_file(text: str, name: str = "rules.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """indexed(service, **kwargs): call an upload service and run what it queued on commit (the
    test transaction never commits; the immediate task backend then indexes at once)."""

    def _indexed(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = service(**kwargs)
        return result

    return _indexed


@pytest.fixture
def upload(indexed):
    """upload(actor, org, text, name=..., file=..., **fields) -> (document, reindexed), indexed."""

    def _upload(actor, org, text=WAGE_RULES, name="rules.txt", file=None, **fields):
        document, changed = indexed(
            services.document_upload,
            actor=actor,
            org=org,
            upload=file or text_file(text, name),
            **fields,
        )
        document.refresh_from_db()
        return document, changed

    return _upload
