"""What each treatment transition needs, as pure checks over ``Facts`` the service gathers.

Every requirement carries a stable ``code`` (for a protocol pre-check, the pre-check's own code,
the same code a recorded treatment check uses), a label for the checklist, the sentence shown
when it is missing, and its source. A requirement that does not apply to this treatment (no
pregnancy test asked for, no REMS) is left out of the checklist rather than shown as met.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from math import ceil

from ketacare.core.enums import CheckStatus, Vital
from ketacare.core.treatment_facts import Facts

ISSUE = "issue 6"
ESCORT_CHECK = "escort_home"  # the protocols' escort pre-check code
ELIGIBILITY_CHECK = "eligibility_signed"  # met by the eligibility decision itself
# BP before dosing: §3.4 [SPR-HCP], §4.1 [DUNLOP] [YALE-BP]; pulse oximetry every session: §3.5
# [SPR-HCP]; HR with them: §4.1 clinic practice [KWELL] (secondary).
BASELINE_VITALS = (Vital.SBP_MMHG, Vital.DBP_MMHG, Vital.HR_BPM, Vital.SPO2_PERCENT)
DISCHARGE_PASS_MARK = 9  # modified Aldrete and PADSS: >= 9 passes, §4.4 [ALDRETE-WIKI] [PADSS-MA]


@dataclass(frozen=True)
class Missing:
    """One thing a transition still needs: a stable code and a plain sentence."""

    code: str
    message: str


@dataclass(frozen=True)
class Requirement:
    """One checklist line: ``label`` when met, ``message`` when not; where it comes from."""

    code: str
    label: str
    met: bool
    message: str
    source: str


def for_cleared(f: Facts) -> list[Requirement]:
    """Pre-dose clearance (issue 6, "cleared needs")."""
    return [
        Requirement(
            "eligibility",
            "Eligibility decision current",
            f.eligibility_current,
            "There is no current eligibility decision for this protocol.",
            f"{ISSUE}; issue 4 eligibility decision",
        ),
        Requirement(
            "consent",
            "Consent signed",
            f.consent_valid,
            "Consent for this protocol is not signed.",
            f"{ISSUE}; issue 4 consent",
        ),
        Requirement(
            "order",
            "Dose ordered",
            f.order_exists,
            "The prescriber has not ordered a dose for this treatment.",
            ISSUE,
        ),
        _baseline(f),
        _hold(f),
        _escort(f),
        *_protocol_checks(f),
        _instruments(f),
        *_pregnancy(f),
        *_rems(f),
    ]


def _baseline(f: Facts) -> Requirement:
    absent = [code.value for code in BASELINE_VITALS if code not in f.baseline]
    names = ", ".join(absent)
    return Requirement(
        "baseline_vitals",
        "Baseline vitals taken",
        not absent,
        f"Baseline vitals are not all taken: {names}.",
        "§3.4 [SPR-HCP]; §3.5 pulse oximetry [SPR-HCP]; §4.1 [DUNLOP] [KWELL]",
    )


def _hold(f: Facts) -> Requirement:
    overridden = bool(f.hold_override_reason.strip())
    why = " ".join(f.hold_breaches)
    return Requirement(
        "pre_dose_hold",
        "Baseline vitals within the pre-dose limits"
        + (" (prescriber override)" if f.hold_breaches and overridden else ""),
        not f.hold_breaches or overridden,
        f"{why} A prescriber override with a reason is needed to dose.",
        f"{ISSUE}; §4.2 pre-dose hold limits (clinic-set)",
    )


def _escort(f: Facts) -> Requirement:
    return Requirement(
        ESCORT_CHECK,
        "Escort home confirmed",
        f.checks.get(ESCORT_CHECK) == CheckStatus.CONFIRMED,
        "No escort or safe ride home is confirmed; it cannot be waived.",
        "§4.4 [KET-LBL-MYLAN]; §3.5 [SPR-PI2019-p21]",
    )


def _protocol_checks(f: Facts) -> list[Requirement]:
    """Each of the protocol's own pre-checks, confirmed or waived with a note (the protocol is
    the source of each; its text says why)."""
    return [
        Requirement(
            code,
            text,
            code in f.checks,
            f"Not yet confirmed or waived: {text}",
            "the protocol's pre-checks",
        )
        for code, text in f.protocol_checks.items()
        if code not in (ESCORT_CHECK, ELIGIBILITY_CHECK)
    ]


def _instruments(f: Facts) -> Requirement:
    names = ", ".join(f.instruments_pending)
    return Requirement(
        "instruments",
        "Pre-dose instruments done or waived",
        not f.instruments_pending,
        f"Pre-dose instruments not done or waived: {names}.",
        f"{ISSUE}; the protocol's instruments due before treatment (§5.1 cadence)",
    )


def _pregnancy(f: Facts) -> list[Requirement]:
    if not f.pregnancy_test_required:
        return []
    if f.pregnancy_test_positive is None:
        return [
            Requirement(
                "pregnancy_test",
                "Pregnancy test",
                False,
                "A pregnancy test result is required before dosing.",
                f"{ISSUE}; §3.7 pregnancy not recommended [SPR-MEDNET]",
            )
        ]
    return [
        Requirement(
            "pregnancy_test_positive",
            "Pregnancy test negative",
            not f.pregnancy_test_positive,
            "The pregnancy test is positive; do not dose (abort with the prescriber's reason).",
            "§3.7 pregnancy not recommended [SPR-MEDNET] [SPR-MAG]",
        )
    ]


def _rems(f: Facts) -> list[Requirement]:
    if not f.rems_required:
        return []
    return [
        Requirement(
            "rems_enrolment",
            "REMS patient enrolment recorded",
            f.rems_enrolled,
            "The patient's SPRAVATO REMS enrolment is not recorded.",
            "§3.9 [REMS-FDA] [REMS-PMF]",
        )
    ]


def for_dosing(f: Facts) -> list[Requirement]:
    """An administration with a lot and a start time (issue 6, "dosing records"); the lot's
    line appears once there is a lot to judge."""
    given = f.administration
    recorded = Requirement(
        "administration",
        "Administration recorded",
        given is not None and given.started_at is not None and bool(given.lot_number.strip()),
        "Record the administration: product, lot number, dose and start time.",
        ISSUE,
    )
    if given is None:
        return [recorded]
    usable = Requirement(
        "lot_expired",
        "Lot within its expiry date",
        given.lot_expiry >= f.treatment_on,
        f"The lot expired on {given.lot_expiry:%Y-%m-%d}; an expired lot cannot be used.",
        f"{ISSUE}: an expired lot cannot be used (usable through its expiry date)",
    )
    return [recorded, usable]


def for_observation(f: Facts) -> list[Requirement]:
    ended = f.administration is not None and f.administration.ended_at is not None
    return [
        Requirement(
            "dosing_end",
            "Dosing stop time recorded",
            ended,
            "Record when dosing stopped (the pump stop, or the last device).",
            ISSUE,
        )
    ]


def for_ready(f: Facts) -> list[Requirement]:
    """Observation time, discharge criteria and the clinician's sign-off (§3.5, §4.4)."""
    d = f.discharge
    return [
        _observed(f),
        _criterion("vitals_within_limits", "Vitals back within limits", d.vitals_within_limits),
        _criterion("alert_and_oriented", "Alert and oriented", d.alert_and_oriented),
        _criterion("nausea_controlled", "Nausea controlled", d.nausea_controlled),
        _criterion("escort_present", "Escort present", d.escort_present),
        *_scale("aldrete", "Modified Aldrete", d.aldrete_total, "[ALDRETE-WIKI] [ALDRETE-NURS]"),
        *_scale("padss", "PADSS", d.padss_total, "[PADSS-MA] [PADSS-CLIN]"),
        Requirement(
            "open_alerts",
            "No open act-level alerts",
            f.open_act_alerts == 0,
            f"{f.open_act_alerts} act-level alert(s) are still open.",
            f"{ISSUE}; §3.9 monitored until resolution [REMS-FDA]",
        ),
        Requirement(
            "sign_off", "Clinician sign-off", d.signed_off, "A clinician has not signed off.", ISSUE
        ),
    ]


def _observed(f: Facts) -> Requirement:
    source = "§3.5 at least 2 h for esketamine [SPR-PI2019]; the protocol's minimum"
    started, least = f.observation_started_at, f.min_observation_min
    if least is None:
        message = "The protocol's minimum observation time is not set; the clinic must set it."
        return Requirement("observation_time", "Observation time", False, message, source)
    if started is None:
        message = "Observation has not started."
        return Requirement("observation_time", "Observation time", False, message, source)
    left = started + timedelta(minutes=least) - f.now
    message = f"Observation has {ceil(left.total_seconds() / 60)} of {least} minutes to go."
    label = f"Observed at least {least} minutes"
    return Requirement("observation_time", label, left <= timedelta(0), message, source)


def _criterion(code: str, label: str, met: bool) -> Requirement:
    source = f"{ISSUE}; §4.4 discharge readiness [PADSS-MA] [KET-LBL-MYLAN]"
    return Requirement(code, label, met, f"Discharge criterion not met: {label.lower()}.", source)


def _scale(code: str, name: str, total: int | None, source: str) -> list[Requirement]:
    if total is None:
        return []
    return [
        Requirement(
            code,
            f"{name} {DISCHARGE_PASS_MARK} or more",
            total >= DISCHARGE_PASS_MARK,
            f"{name} total {total} is below the pass mark of {DISCHARGE_PASS_MARK}.",
            f"§4.4 {source}",
        )
    ]


def for_discharged(f: Facts) -> list[Requirement]:
    return [
        Requirement(
            "instructions",
            "Discharge instructions given",
            f.discharge.instructions_given,
            "Give the discharge instructions: no driving or machinery until the next day after "
            "restful sleep, and who to call.",
            "§3.5 [SPR-PI2019-p21]; issue 6",
        )
    ]


def for_aborted(f: Facts) -> list[Requirement]:
    return [
        Requirement(
            "abort_reason",
            "Reason for stopping",
            bool(f.abort_reason.strip()),
            "Give the reason this treatment is stopped.",
            ISSUE,
        )
    ]
