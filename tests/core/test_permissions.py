"""The role map: deny by default, researchers never see a patient, admins may do everything,
and a grant at one site says nothing about another."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.core.enums import Role
from ketacare.core.permissions import ROLE_ACTIONS, Action, Principal, allowed

NORTH, SOUTH = 1, 2
PATIENT_ACTIONS = frozenset(
    {
        Action.VIEW_TODAY,
        Action.SEARCH_PATIENTS,
        Action.READ_PATIENT,
        Action.WRITE_PATIENT,
        Action.READ_APPOINTMENTS,
        Action.WRITE_APPOINTMENTS,
    }
)


def principal(grants: dict[int, frozenset[Role]] | None = None) -> Principal:
    return Principal(1, 1, "someone@clinic.test", "Some One", grants or {})


def test_every_role_has_an_entry_in_the_role_map():
    assert set(ROLE_ACTIONS) == set(Role)


@pytest.mark.parametrize("action", list(Action))
def test_a_user_without_grants_may_do_nothing(action: Action):
    nobody = principal()
    assert not allowed(nobody, action)
    assert not allowed(nobody, action, NORTH)


@pytest.mark.parametrize("action", sorted(PATIENT_ACTIONS))
def test_a_researcher_sees_no_patient(action: Action):
    researcher = principal({NORTH: frozenset({Role.RESEARCHER})})
    assert not allowed(researcher, action)
    assert not allowed(researcher, action, NORTH)


def test_a_researcher_may_still_manage_their_own_account():
    researcher = principal({NORTH: frozenset({Role.RESEARCHER})})
    assert allowed(researcher, Action.MANAGE_OWN_ACCOUNT, NORTH)


LICENSED_CLINICIAN_ONLY = {
    Action.SIGN_ELIGIBILITY,
    Action.WITNESS_CONSENT,
    Action.ORDER_COURSE,
    Action.MANAGE_PROTOCOLS,
    Action.RUN_TREATMENT,
    Action.ORDER_DOSE,
}


@pytest.mark.parametrize("action", sorted(set(Action) - LICENSED_CLINICIAN_ONLY))
def test_an_admin_may_do_everything_else_at_their_site(action: Action):
    admin = principal({NORTH: frozenset({Role.ADMIN})})
    assert allowed(admin, action)
    assert allowed(admin, action, NORTH)


@pytest.mark.parametrize("action", sorted(LICENSED_CLINICIAN_ONLY))
def test_an_admin_may_not_do_a_licensed_clinicians_work_by_that_role_alone(action: Action):
    admin = principal({NORTH: frozenset({Role.ADMIN})})
    assert not allowed(admin, action)
    prescribing_admin = principal({NORTH: frozenset({Role.ADMIN, Role.PRESCRIBER})})
    assert allowed(prescribing_admin, action, NORTH)


@pytest.mark.parametrize(
    ("role", "action", "expected"),
    [
        (Role.PRESCRIBER, Action.WRITE_PATIENT, True),
        (Role.PRESCRIBER, Action.MANAGE_STAFF, False),
        (Role.PRESCRIBER, Action.READ_AUDIT, False),
        (Role.NURSE, Action.READ_PATIENT, True),
        (Role.NURSE, Action.WRITE_APPOINTMENTS, True),
        (Role.NURSE, Action.MANAGE_STAFF, False),
        (Role.THERAPIST, Action.READ_PATIENT, True),
        (Role.THERAPIST, Action.WRITE_PATIENT, False),
        (Role.THERAPIST, Action.WRITE_APPOINTMENTS, False),
        (Role.FRONT_DESK, Action.WRITE_APPOINTMENTS, True),
        (Role.FRONT_DESK, Action.READ_AUDIT, False),
        (Role.RESEARCHER, Action.READ_STAFF, False),
    ],
)
def test_role_map(role: Role, action: Action, expected: bool):
    assert allowed(principal({NORTH: frozenset({role})}), action, NORTH) is expected


def test_a_grant_at_one_site_does_not_allow_the_action_at_another():
    nurse = principal({NORTH: frozenset({Role.NURSE})})
    assert allowed(nurse, Action.READ_PATIENT, NORTH)
    assert not allowed(nurse, Action.READ_PATIENT, SOUTH)


def test_without_a_site_an_action_is_allowed_when_any_site_allows_it():
    mixed = principal({NORTH: frozenset({Role.RESEARCHER}), SOUTH: frozenset({Role.NURSE})})
    assert allowed(mixed, Action.READ_PATIENT)
    assert not allowed(mixed, Action.READ_PATIENT, NORTH)
    assert mixed.sites_allowing(Action.READ_PATIENT) == {SOUTH}


def test_roles_and_site_ids_collect_every_grant():
    mixed = principal(
        {NORTH: frozenset({Role.NURSE, Role.THERAPIST}), SOUTH: frozenset({Role.NURSE})}
    )
    assert mixed.roles == {Role.NURSE, Role.THERAPIST}
    assert mixed.site_ids == {NORTH, SOUTH}


def test_a_second_role_at_the_same_site_adds_its_actions():
    both = principal({NORTH: frozenset({Role.THERAPIST, Role.FRONT_DESK})})
    assert allowed(both, Action.WRITE_APPOINTMENTS, NORTH)


grants_strategy = st.dictionaries(
    st.integers(min_value=1, max_value=5), st.frozensets(st.sampled_from(list(Role))), max_size=4
)


@given(grants=grants_strategy, action=st.sampled_from(list(Action)))
def test_allowed_anywhere_means_allowed_at_some_granted_site(
    grants: dict[int, frozenset[Role]], action: Action
):
    someone = principal(grants)
    at_some_site = any(allowed(someone, action, site) for site in grants)
    assert allowed(someone, action) is at_some_site


@given(grants=grants_strategy, action=st.sampled_from(list(Action)))
def test_nothing_is_allowed_at_a_site_without_a_grant(
    grants: dict[int, frozenset[Role]], action: Action
):
    assert not allowed(principal(grants), action, 99)
