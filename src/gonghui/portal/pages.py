"""Which page does each write the API offers.

Every write operation in the OpenAPI schema (POST, PUT, PATCH, DELETE) is listed here once: with
the URL name of the page that makes the same write through the same service, or as API-only with
the reason (machine-to-machine calls a person never makes by hand). The suite checks that the
lists match the schema exactly (portal/tests/test_every_write_has_a_page.py), so a new write
operation without a page fails the tests until it gets one or a reason.
"""

from __future__ import annotations

WRITE_PAGES: dict[str, str] = {
    # organisations
    "POST /api/orgs": "organizations:create",
    "PATCH /api/orgs/{org_id}": "organizations:edit",
    "POST /api/orgs/{org_id}/dissolve": "organizations:dissolve",
    "POST /api/orgs/{org_id}/move": "organizations:move",
    # accounts
    "POST /api/accounts": "accounts:manage-create",
    "PATCH /api/accounts/{account_id}": "accounts:manage-detail",
    "POST /api/accounts/{account_id}/disable": "accounts:manage-detail",
    "POST /api/accounts/{account_id}/enable": "accounts:manage-detail",
    "POST /api/accounts/{account_id}/grants": "accounts:manage-detail",
    "DELETE /api/accounts/{account_id}/grants/{grant_id}": "accounts:manage-detail",
    "POST /api/accounts/{account_id}/password-link": "accounts:manage-detail",
    "POST /api/accounts/{account_id}/unlock": "accounts:manage-detail",
    # stations
    "POST /api/stations": "stations:create",
    "PATCH /api/stations/{station_id}": "stations:edit",
    "POST /api/stations/facilities": "stations:facilities",
    "POST /api/stations/{station_id}/exceptions": "stations:exception-create",
    "DELETE /api/stations/{station_id}/exceptions/{exception_id}": "stations:exception-delete",
    "POST /api/stations/{station_id}/photos": "stations:photo-upload",
    "POST /api/stations/checkin/{token}": "stations:checkin",
    # campaigns
    "POST /api/activities/campaign-kinds": "campaigns:kind-create",
    "POST /api/activities/campaigns": "campaigns:campaign-create",
    "PATCH /api/activities/campaigns/{campaign_id}": "campaigns:campaign-detail",
    "POST /api/activities/campaigns/{campaign_id}/items": "campaigns:campaign-detail",
    "POST /api/activities/campaigns/{campaign_id}/deliveries": "campaigns:scan",
    # smart brain: the annual statistics report
    "PATCH /api/brain/reports/{report_id}": "brain:report",
    "POST /api/brain/reports/{report_id}/submit": "brain:report",
    "POST /api/brain/reports/{report_id}/approve": "brain:report",
    "POST /api/brain/reports/{report_id}/return": "brain:report",
    # assistant
    "POST /api/assistant/ask": "assistant:ask",
    "POST /api/assistant/documents": "assistant:documents",
    "DELETE /api/assistant/documents/{document_id}": "assistant:document",
    "POST /api/assistant/documents/{document_id}/publish": "assistant:document",
    # governance
    "POST /api/governance/committees": "governance:committees",
    "POST /api/governance/committees/{committee_id}/seats": "governance:committee",
    "POST /api/governance/seats/{seat_id}/end": "governance:committee",
    "POST /api/governance/departments": "governance:pairings",
    "PUT /api/governance/pairings": "governance:pairings",
    "POST /api/governance/indicators": "governance:six-strong",
    "POST /api/governance/evaluations": "governance:six-strong",
    "POST /api/governance/scores/{score_id}": "governance:evaluation",
    "POST /api/governance/evaluations/{evaluation_id}/advance": "governance:evaluation",
    # triage
    "POST /api/triage/cases/{case_id}/decision": "triage:case-suggestion",
    "POST /api/triage/alerts/{alert_id}/dismiss": "triage:alert",
    "POST /api/triage/alerts/{alert_id}/merge": "triage:alert",
    # cases
    "POST /api/case-types": "cases:case-type-new",
    "PATCH /api/case-types/{type_id}": "cases:case-type-edit",
    "PUT /api/holidays/{day}": "cases:holidays",
    "DELETE /api/holidays/{day}": "cases:holidays",
    "POST /api/cases": "cases:new",
    "POST /api/cases/{case_id}/transition": "cases:detail",
    "POST /api/cases/{case_id}/reassign": "cases:detail",
    "POST /api/cases/{case_id}/replies": "cases:detail",
    "POST /api/cases/{case_id}/attachments": "cases:detail",
    "POST /api/notifications/{notification_id}/read": "cases:inbox",
    # aid
    "POST /api/hardship/applications": "aid:hardship-new",
    "POST /api/hardship/applications/{application_id}/approve": "aid:hardship-detail",
    "POST /api/hardship/applications/{application_id}/reject": "aid:hardship-detail",
    "POST /api/hardship/applications/{application_id}/disbursements": "aid:hardship-detail",
    "PUT /api/hardship/thresholds/{union_id}": "aid:thresholds",
    "POST /api/mutual-aid/enrolments": "aid:mutual-aid",
    "POST /api/mutual-aid/enrolments/{enrolment_id}/participants": "aid:enrolment-detail",
    "POST /api/mutual-aid/claims": "aid:claim-new",
    "POST /api/mutual-aid/claims/{claim_id}/approve": "aid:claim-detail",
    "POST /api/mutual-aid/claims/{claim_id}/reject": "aid:claim-detail",
    "POST /api/mutual-aid/claims/{claim_id}/pay": "aid:claim-detail",
    # members
    "POST /api/members/join/code": "joining:join-code",
    "POST /api/members/join/propose": "joining:join",
    "POST /api/members/join": "joining:join",
    "POST /api/members": "members:enrol",
    "POST /api/members/transfers/{transfer_id}/accept": "members:transfer-decide",
    "POST /api/members/transfers/{transfer_id}/refuse": "members:transfer-decide",
    "POST /api/members/imports": "rosters:import",
    "POST /api/members/imports/{job_id}/rerun": "rosters:import-rerun",
    "PATCH /api/members/{member_id}": "members:edit",
    "POST /api/members/{member_id}/status": "members:detail",
    "POST /api/members/{member_id}/approve": "members:detail",
    "POST /api/members/{member_id}/reject": "members:detail",
    "POST /api/members/{member_id}/merge": "members:duplicates",
    "PATCH /api/me/member": "joining:me-profile",
    "POST /api/members/{member_id}/transfer": "members:detail",
    "POST /api/unions/{union_id}/members/move": "members:move-all",
    "PUT /api/unions/{union_id}/join-policy": "members:join-policy",
    # enterprises
    "POST /api/enterprises": "enterprises:create",
    "POST /api/enterprises/import": "enterprises:import",
    "PATCH /api/enterprises/{enterprise_id}": "enterprises:edit",
    "POST /api/enterprises/{enterprise_id}/visits": "enterprises:visit-create",
    "POST /api/enterprises/{enterprise_id}/account": "enterprises:social-account",
    "POST /api/projects": "enterprises:project-create",
    "PATCH /api/projects/{project_id}": "enterprises:project-edit",
    "POST /api/projects/{project_id}/end": "enterprises:project-end",
    "PUT /api/coverage-rules/{province_id}": "enterprises:coverage-rule",
    "POST /api/founding-cases": "founding:open",
    "PATCH /api/founding-cases/{case_id}/steps/{step}": "founding:step",
    "POST /api/founding-cases/{case_id}/cancel": "founding:cancel",
    "POST /api/founding-cases/{case_id}/steps/{step}/documents": "founding:upload",
    "POST /api/founding-cases/{case_id}/steps/{step}/sign-off": "founding:sign-off",
    "POST /api/grid/assignments": "enterprises:grid-assign",
    "POST /api/service-projects": "enterprises:service-list",
    "POST /api/service-projects/{project_id}/claims": "enterprises:service-detail",
    "POST /api/social/projects/{project_id}/claim": "enterprises:social-claim",
    "POST /api/service-claims/{claim_id}/approve": "enterprises:service-detail",
    "POST /api/service-projects/{project_id}/deliver": "enterprises:service-detail",
    # contests
    "POST /api/activities/contests": "contests:contest-create",
    "POST /api/activities/contests/{contest_id}/entries": "contests:contest-detail",
    "POST /api/activities/contests/{contest_id}/scores": "contests:contest-detail",
    "POST /api/activities/contests/{contest_id}/rounds": "contests:contest-detail",
    "POST /api/activities/contests/{contest_id}/metrics": "contests:contest-detail",
    "POST /api/activities/craftsmen": "contests:craftsman-create",
    "POST /api/activities/craftsmen/{craftsman_id}/advance": "contests:craftsman-step",
    "POST /api/activities/craftsmen/{craftsman_id}/reject": "contests:craftsman-step",
    "POST /api/activities/studios": "contests:studio-create",
    "PATCH /api/activities/studios/{studio_id}": "contests:studio-edit",
    # bargaining
    "POST /api/activities/agreements": "bargaining:bargaining",
    "PATCH /api/activities/agreements/{agreement_id}": "bargaining:agreement-edit",
    "POST /api/activities/agreements/{agreement_id}/review": "bargaining:agreement-detail",
    "POST /api/activities/bargaining": "bargaining:procedure-open",
    "POST /api/activities/bargaining/{procedure_id}/letters": "bargaining:procedure-detail",
    "POST /api/activities/congresses": "bargaining:congress-create",
    "POST /api/activities/congresses/{congress_id}/sessions": "bargaining:congress-detail",
    # benefits
    "POST /api/activities/jobs": "benefits:job-create",
    "PATCH /api/activities/jobs/{job_id}": "benefits:job-edit",
    "POST /api/activities/discounts": "benefits:discount-create",
    "PATCH /api/activities/discounts/{discount_id}": "benefits:discount-edit",
    # learning
    "POST /api/activities/courses": "learning:training-admin",
    "POST /api/activities/courses/{course_id}/sessions": "learning:course",
    "POST /api/activities/sessions/{session_id}/signup": "learning:open-training",
    "POST /api/activities/enrollments/{enrollment_id}/cancel": "learning:open-training",
    "POST /api/activities/sessions/{session_id}/attendance": "learning:roster",
}

API_ONLY: dict[str, str] = {
    "POST /api/auth/token": (
        "issues a bearer token to an integration (a county's own system, a script); people sign "
        "in on /accounts/login/ with a session instead"
    ),
    "POST /api/triage": (
        "a read that writes nothing: a suggestion for any text, for an integration such as the "
        "12351 hotline's system before a case exists; on the pages every new appeal shows its "
        "suggestion on the case page"
    ),
}
