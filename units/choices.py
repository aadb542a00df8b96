from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("Province / city")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune / ward")


class UnitKind(models.TextChoices):
    AGENCY = "agency", _("Agency")
    SERVICE = "service", _("Public service unit")


class ManagementLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class Sector(models.TextChoices):
    EDUCATION = "education", _("Education and training")
    VOCATIONAL = "vocational", _("Vocational education")
    HEALTH = "health", _("Health and population")
    CULTURE = "culture", _("Culture, sports and tourism")
    INFORMATION = "information", _("Information and communications")
    SCIENCE = "science", _("Science and technology")
    ECONOMIC = "economic", _("Economic and other services")


class AutonomyGroup(models.IntegerChoices):
    GROUP_1 = 1, _("Group 1: covers recurrent and investment spending")
    GROUP_2 = 2, _("Group 2: covers recurrent spending")
    GROUP_3 = 3, _("Group 3: covers part of recurrent spending")
    GROUP_4 = 4, _("Group 4: state covers recurrent spending")


class StaffingCategory(models.TextChoices):
    """Who is counted (DESIGN §2): civil servants of agencies (Nghị định 62/2020),
    employees of service units paid by the state budget or by the unit's own
    revenue (Nghị định 106/2020), contract staff outside the quota (Nghị định
    111/2022)."""

    CIVIL_SERVANT = "civil_servant", _("Civil servants")
    BUDGET_EMPLOYEE = "budget_employee", _("Employees paid by the state budget")
    OWN_REVENUE_EMPLOYEE = "own_revenue_employee", _("Employees paid by own revenue")
    CONTRACT = "contract", _("Contract staff")


class Role(models.TextChoices):
    OFFICIAL = "official", _("Official")
    CLERK = "clerk", _("Clerk")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")


class RestructuringKind(models.TextChoices):
    ESTABLISH = "establish", _("Establish")
    MERGE = "merge", _("Merge (absorb)")
    CONSOLIDATE = "consolidate", _("Consolidate")
    SPLIT = "split", _("Split")
    SPIN_OFF = "spin_off", _("Spin off")
    DISSOLVE = "dissolve", _("Dissolve")
    EQUITIZE = "equitize", _("Equitize")
    TRANSFER = "transfer", _("Transfer")
    RENAME = "rename", _("Rename / re-scope")


# The waterfall's kind for the units a managing body handed to its successor on
# the day of the succession (a transfer that is not a change of the scopes
# counting both bodies).
SUCCESSION = "succession"


class LinkRole(models.TextChoices):
    SOURCE = "source", _("Source")
    RESULT = "result", _("Result")
