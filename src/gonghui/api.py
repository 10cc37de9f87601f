from gonghui.accounts.api import router as accounts_router
from gonghui.activities.api import router as activities_router
from gonghui.cases.api import router as cases_router
from gonghui.core.api import build_api, core_router
from gonghui.enterprises.api import router as enterprises_router
from gonghui.members.api import router as members_router
from gonghui.organizations.api import router as organizations_router
from gonghui.stations.api import router as stations_router

api = build_api()
api.add_router("/", core_router)
api.add_router("/", accounts_router)
api.add_router("/", organizations_router)
api.add_router("/", enterprises_router)
api.add_router("/", members_router)
api.add_router("/", stations_router)
api.add_router("/", cases_router)
api.add_router("/", activities_router)
