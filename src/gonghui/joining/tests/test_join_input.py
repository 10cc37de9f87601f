"""The join's input schema validates a JSON body from the dict itself (core.api.BodyIn), not
through ninja's DjangoGetter: whatever the body, the result and every error must be what
ninja's own way gives."""

from hypothesis import given, settings
from hypothesis import strategies as st
from ninja import Schema
from pydantic import ValidationError, model_validator

from gonghui.joining.api import JoinIn


class JoinInThroughNinja(JoinIn):
    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        return Schema._run_root_validator.__func__(cls, values, handler, info)


def _outcome(schema, body):
    try:
        return "valid", schema.model_validate(body).model_dump()
    except ValidationError as exc:
        return "invalid", [(e["loc"], e["type"], e["msg"]) for e in exc.errors()]


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["courier", "construction", "13800138000", "430181199001010012", "  ", ""]),
    st.lists(st.integers(), max_size=2),
)
FIELDS = st.sampled_from([*JoinIn.model_fields, "unknown", "Name"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(FIELDS, VALUES, max_size=12))
def test_any_body_is_judged_as_ninja_judges_it(body):
    assert _outcome(JoinIn, body) == _outcome(JoinInThroughNinja, body)


def test_a_whole_join_and_a_faulty_one_are_judged_alike():
    whole = {
        "name": "王小明", "id_card": "430181199001010012", "phone": "13800138000",
        "code": "123456", "occupation_group": "courier", "employer_name": "美团",
        "work_place": "新屋岭", "union_id": 7, "work_latitude": 28.1, "work_longitude": 113.6,
        "ethnicity": "汉族", "is_migrant_worker": True, "work_start_year": 2015,
    }  # fmt: skip
    faulty = {**whole, "union_id": "seven", "work_latitude": 91, "occupation_group": "pilot"}
    faulty.pop("name")
    for body in (whole, faulty):
        assert _outcome(JoinIn, body) == _outcome(JoinInThroughNinja, body)
    assert _outcome(JoinIn, whole)[0] == "valid"
    assert len(_outcome(JoinIn, faulty)[1]) == 4
    # Not a dict (a list, a model instance's stand-in): ninja's way, unchanged.
    for body in (["a"], "text", None):
        assert _outcome(JoinIn, body) == _outcome(JoinInThroughNinja, body)
