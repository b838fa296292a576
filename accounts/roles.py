"""The four roles, as Django groups, and the permissions each holds.

The groups are created by a migration (accounts 0002); their permissions are granted again
after every migrate, by the rules below, so that a model added later (a new register) lands in
the right roles without anyone editing them by hand.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from bkxh.records import Record

ADMINISTRATOR = "Quản trị"
CLERK = "Nhập liệu"
REVIEWER = "Duyệt"
VIEWER = "Xem"
ROLES = (ADMINISTRATOR, CLERK, REVIEWER, VIEWER)

# The apps whose models staff see; the roles know nothing of the rest (sessions, axes…).
STAFF_APPS = (
    "areas",
    "agencies",
    "indicators",
    "beneficiaries",
    "imports",
    "approvals",
    "accounts",
    "audit",
    "reports",
)
# Reference data keep their area but are kept up by the administrators, not entered by clerks.
REFERENCE_MODELS = ("areas.adminunit", "agencies.agency")


def is_entered_by_clerks(model):
    """Rows that clerks enter for their units: every data model that belongs to an area."""
    label = model._meta.label_lower
    if model._meta.app_label == "imports":
        return True
    return issubclass(model, Record) and model.area_path is not None and label not in REFERENCE_MODELS


def codenames(model, actions):
    return {f"{action}_{model._meta.model_name}" for action in actions}


# Rules of the permissions an app adds beside Django's four of each model (the import and
# export of each kind of file, imports.permissions), registered from its AppConfig.ready():
# each is called with {role: {(app_label, codename)}} and adds to it.
grant_rules = []


def register_grant_rule(rule):
    if rule not in grant_rules:
        grant_rules.append(rule)


def role_codenames():
    """{role: {(app_label, codename)}} by the rules of each role."""
    grants = {role: set() for role in ROLES}
    every_action = ("add", "change", "delete", "view")
    for model in apps.get_models():
        app_label = model._meta.app_label
        if app_label not in STAFF_APPS:
            continue
        view = codenames(model, ["view"])
        readable = app_label not in ("accounts", "audit")
        grants[ADMINISTRATOR] |= {(app_label, name) for name in codenames(model, every_action)}
        if readable:
            for role in (CLERK, REVIEWER, VIEWER):
                grants[role] |= {(app_label, name) for name in view}
        if is_entered_by_clerks(model):
            grants[CLERK] |= {(app_label, name) for name in codenames(model, every_action)}
    grants[ADMINISTRATOR] |= {("auth", f"{action}_{model}") for action in every_action for model in ("user", "group")}
    grants[ADMINISTRATOR] |= {
        ("approvals", "submit_yearapproval"),
        ("approvals", "approve_yearapproval"),
        ("approvals", "reopen_yearapproval"),
        ("audit", "view_full_citizen_id"),
    }
    grants[CLERK] |= {("approvals", "add_yearapproval"), ("approvals", "submit_yearapproval")}
    grants[REVIEWER] |= {("approvals", "approve_yearapproval"), ("approvals", "reopen_yearapproval")}
    for rule in grant_rules:
        rule(grants)
    return grants


def grant_role_permissions(**kwargs):
    """Give each role group exactly the permissions of its rules (post_migrate receiver)."""
    permissions = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    for role, granted in role_codenames().items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set([permissions[key] for key in granted if key in permissions])
