"""Who issues reports, and that nobody writes an issued version by hand: the rule
issuing_grants(), which ReportsConfig.ready() registers with the roles (accounts.roles)."""

from accounts.roles import ADMINISTRATOR, REVIEWER, ROLES

# Written once, by issuing a report from its page (reports.issued), never by a role's add,
# change or delete permission.
KEPT_MODELS = ("issuedreport", "issuedfile")


def issuing_grants(grants):
    """The permission "issue reports" for the roles Duyệt and Quản trị; no role adds, changes or
    deletes an issued version or its files (reading them is as for any model of the app)."""
    for role in ROLES:
        grants[role] -= {
            ("reports", f"{action}_{model}") for model in KEPT_MODELS for action in ("add", "change", "delete")
        }
    for role in (REVIEWER, ADMINISTRATOR):
        grants[role] |= {("reports", "issue_report")}
