from beneficiaries.models.base import Decision
from beneficiaries.models.housing import HousingSupport
from beneficiaries.models.longevity import LongevityGift
from beneficiaries.models.merit import FuneralAllowance, MedicalReferral, RecordAmendment, WorshipAllowance
from beneficiaries.models.people import Ethnicity, Gender, Household, Person, PovertyStatus
from beneficiaries.models.rice import RiceReliefLine, RiceReliefRound
from beneficiaries.models.social import AdmissionDossier, ElderlyVisit
from beneficiaries.models.training import TrainingClass

__all__ = [
    "AdmissionDossier",
    "Decision",
    "ElderlyVisit",
    "Ethnicity",
    "FuneralAllowance",
    "Gender",
    "Household",
    "HousingSupport",
    "LongevityGift",
    "MedicalReferral",
    "Person",
    "PovertyStatus",
    "RecordAmendment",
    "RiceReliefLine",
    "RiceReliefRound",
    "TrainingClass",
    "WorshipAllowance",
]
