from beneficiaries.admin import people, registers  # noqa: F401 — registers the ModelAdmins
