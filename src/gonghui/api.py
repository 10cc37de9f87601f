from gonghui.accounts.api import router as accounts_router
from gonghui.activityreports.api import router as activityreports_router
from gonghui.aid.api import router as aid_router
from gonghui.assistant.api import router as assistant_router
from gonghui.bargaining.api import router as bargaining_router
from gonghui.benefits.api import router as benefits_router
from gonghui.brain.api import router as brain_router
from gonghui.campaigns.api import router as campaigns_router
from gonghui.cases.api import router as cases_router
from gonghui.contests.api import router as contests_router
from gonghui.core.api import build_api, core_router
from gonghui.enterprises.api import router as enterprises_router
from gonghui.founding.api import router as founding_router
from gonghui.governance.api import router as governance_router
from gonghui.joining.api import router as joining_router
from gonghui.learning.api import router as learning_router
from gonghui.members.api import router as members_router
from gonghui.organizations.api import router as organizations_router
from gonghui.rosters.api import router as rosters_router
from gonghui.stations.api import router as stations_router
from gonghui.triage.api import router as triage_router

api = build_api()
api.add_router("/", core_router)
api.add_router("/", accounts_router)
api.add_router("/", organizations_router)
api.add_router("/", enterprises_router)
api.add_router("/", founding_router)
# Before members: its "/members/{member_id}" would otherwise take "/members/join" and
# "/members/imports" (and answer 405).
api.add_router("/", joining_router)
api.add_router("/", rosters_router)
api.add_router("/", members_router)
api.add_router("/", stations_router)
api.add_router("/", cases_router)
api.add_router("/", aid_router)
api.add_router("/", campaigns_router)
api.add_router("/", learning_router)
api.add_router("/", benefits_router)
api.add_router("/", contests_router)
api.add_router("/", bargaining_router)
api.add_router("/", activityreports_router)
api.add_router("/", brain_router)
api.add_router("/", governance_router)
api.add_router("/", assistant_router)
api.add_router("/", triage_router)
