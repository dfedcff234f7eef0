"""The patient portal pages: date of birth, one question per screen or all at once, submit, and a
thank-you page without any score; refused links get a plain page and store nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.db.models import AuditEvent, InstrumentResponse, PortalLink, SafetyAlert
from ketacare.services import portal
from ketacare.services.context import Actor
from ketacare.web import csrf
from tests.conftest import TEST_SECRET
from tests.factories import Clinic, add_patient

DOB = "1985-12-10"  # tests.factories.patient_details
PHQ9_ITEM_9_ONCE = [0, 1, 0, 1, 0, 0, 1, 0, 1]


def issue(
    sessions: sessionmaker[Session], clinic: Clinic, codes: list[str], at: datetime | None = None
) -> str:
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        system = Actor(None, at or datetime.now(UTC))
        return portal.create_link(db, system, patient.id, codes).token


def token_csrf(token: str) -> str:
    return csrf.token_for(TEST_SECRET, f"portal|{token}")


def post(client: TestClient, url: str, token: str, data: dict[str, str], **headers: str) -> object:
    return client.post(url, data={**data, "csrf_token": token_csrf(token)}, headers=headers)


def counts(sessions: sessionmaker[Session]) -> tuple[int, ...]:
    with sessions() as db:
        return tuple(
            db.scalar(select(func.count()).select_from(model)) or 0
            for model in (AuditEvent, InstrumentResponse, SafetyAlert)
        )


def confirmed(app_client: TestClient, token: str) -> None:
    done = post(app_client, f"/p/{token}/date-of-birth", token, {"date_of_birth": DOB})
    assert done.status_code == 303


def test_a_new_link_asks_for_the_date_of_birth_on_a_page_without_staff_navigation(
    app_client, sessions, clinic: Clinic
):
    token = issue(sessions, clinic, ["phq9"])
    page = app_client.get(f"/p/{token}")
    assert page.status_code == 200
    assert "Confirm your date of birth" in page.text
    assert "Harbour Ketamine Clinic" in page.text
    assert "Sign out" not in page.text
    assert 'href="/patients"' not in page.text
    assert f'value="{token_csrf(token)}"' in page.text


def test_a_wrong_date_of_birth_is_refused_and_counted(app_client, sessions, clinic: Clinic):
    token = issue(sessions, clinic, ["phq9"])
    wrong = post(app_client, f"/p/{token}/date-of-birth", token, {"date_of_birth": "1990-01-01"})
    assert wrong.status_code == 422
    assert "does not match" in wrong.text
    assert "4 tries left" in wrong.text
    with sessions() as db:
        assert db.scalars(select(PortalLink.failed_dob_attempts)).one() == 1


def test_five_wrong_dates_lock_the_link(app_client, sessions, clinic: Clinic):
    token = issue(sessions, clinic, ["phq9"])
    for _ in range(5):
        post(app_client, f"/p/{token}/date-of-birth", token, {"date_of_birth": "1990-01-01"})
    locked = app_client.get(f"/p/{token}")
    assert locked.status_code == 423
    assert "locked" in locked.text
    assert "Confirm your date of birth" not in locked.text


def test_after_the_date_of_birth_the_start_page_offers_one_at_a_time_or_all_at_once(
    app_client, sessions, clinic: Clinic
):
    token = issue(sessions, clinic, ["phq9", "gad7"])
    confirmed(app_client, token)
    page = app_client.get(f"/p/{token}")
    assert "17 questions" in page.text  # 9 + the optional difficulty item + 7
    assert f'href="/p/{token}/q/phq9/1"' in page.text
    assert f'href="/p/{token}/all"' in page.text
    assert "No permission required to reproduce" in page.text  # the PHQ-9 licence notice


def test_questions_before_the_date_of_birth_send_the_patient_back_to_it(
    app_client, sessions, clinic: Clinic
):
    token = issue(sessions, clinic, ["phq9"])
    page = app_client.get(f"/p/{token}/q/phq9/1")
    assert page.status_code == 303
    assert page.headers["location"] == f"/p/{token}"


def test_each_answer_is_saved_and_the_next_question_follows(app_client, sessions, clinic: Clinic):
    token = issue(sessions, clinic, ["phq9"])
    confirmed(app_client, token)
    first = app_client.get(f"/p/{token}/q/phq9/1")
    assert "Little interest or pleasure in doing things" in first.text
    assert "Question 1 of 10" in first.text
    saved = post(app_client, f"/p/{token}/q/phq9/1", token, {"value": "2"})
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/p/{token}/q/phq9/2"
    with sessions() as db:
        assert db.scalars(select(PortalLink.draft_answers)).one().startswith('{"phq9": [2, null')


def test_with_htmx_the_next_question_is_swapped_in_and_the_address_follows(
    app_client, sessions, clinic: Clinic
):
    token = issue(sessions, clinic, ["phq9"])
    confirmed(app_client, token)
    swapped = post(
        app_client, f"/p/{token}/q/phq9/1", token, {"value": "1"}, **{"HX-Request": "true"}
    )
    assert swapped.status_code == 200
    assert swapped.text.lstrip().startswith('<section id="question"')
    assert "Feeling down, depressed, or hopeless" in swapped.text
    assert swapped.headers["HX-Push-Url"] == f"/p/{token}/q/phq9/2"


def test_a_post_without_the_links_csrf_token_is_refused_and_saves_nothing(
    app_client, sessions, clinic: Clinic
):
    token = issue(sessions, clinic, ["phq9"])
    confirmed(app_client, token)
    forged = app_client.post(f"/p/{token}/q/phq9/1", data={"value": "3"})
    assert forged.status_code == 403
    other = app_client.post(
        f"/p/{token}/q/phq9/1", data={"value": "3", "csrf_token": token_csrf("another-link")}
    )
    assert other.status_code == 403
    with sessions() as db:
        assert db.scalars(select(PortalLink.draft_answers)).one().startswith('{"phq9": [null')


def test_a_no_to_cssrs_item_2_goes_straight_to_item_6(app_client, sessions, clinic: Clinic):
    token = issue(sessions, clinic, ["cssrs_screen"])
    confirmed(app_client, token)
    post(app_client, f"/p/{token}/q/cssrs_screen/1", token, {"value": "0"})
    after_no = post(app_client, f"/p/{token}/q/cssrs_screen/2", token, {"value": "0"})
    assert after_no.headers["location"] == f"/p/{token}/q/cssrs_screen/6"
    after_yes = post(app_client, f"/p/{token}/q/cssrs_screen/2", token, {"value": "1"})
    assert after_yes.headers["location"] == f"/p/{token}/q/cssrs_screen/3"


def answer_phq9(app_client: TestClient, token: str, answers: list[int]) -> None:
    for number, value in enumerate(answers, start=1):
        post(app_client, f"/p/{token}/q/phq9/{number}", token, {"value": str(value)})


def test_submitting_stores_the_response_raises_the_alert_and_thanks_without_a_score(
    app_client, sessions, clinic: Clinic
):
    token = issue(sessions, clinic, ["phq9"])
    confirmed(app_client, token)
    answer_phq9(app_client, token, PHQ9_ITEM_9_ONCE)
    review = app_client.get(f"/p/{token}/review")
    assert "Send my answers" in review.text
    assert "still need" not in review.text
    sent = post(app_client, f"/p/{token}/submit", token, {})
    assert sent.status_code == 303
    assert sent.headers["location"] == "/p/thank-you"
    thanks = app_client.get("/p/thank-you")
    assert "Thank you" in thanks.text
    assert not re.search(r"\b4\b|score|mild|minimal|moderate|severe", thanks.text, re.I)
    with sessions() as db:
        assert db.scalars(select(InstrumentResponse.total)).one() == 4
        assert db.scalars(select(SafetyAlert.reason)).one() == "PHQ-9 item 9 answered 1"


def test_the_review_lists_unanswered_questions_and_offers_no_send_button(
    app_client, sessions, clinic: Clinic
):
    token = issue(sessions, clinic, ["phq9"])
    confirmed(app_client, token)
    answer_phq9(app_client, token, [1, 1, 1])
    review = app_client.get(f"/p/{token}/review")
    assert "6 questions still need an answer" in review.text
    assert "Send my answers" not in review.text
    refused = post(app_client, f"/p/{token}/submit", token, {})
    assert refused.status_code == 422
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(InstrumentResponse)) == 0


def test_all_questions_on_one_page_are_saved_together(app_client, sessions, clinic: Clinic):
    token = issue(sessions, clinic, ["gad7"])
    confirmed(app_client, token)
    page = app_client.get(f"/p/{token}/all")
    assert page.text.count('type="radio"') == 7 * 4
    answers = {f"gad7-{n}": "1" for n in range(1, 8)}
    saved = post(app_client, f"/p/{token}/all", token, answers)
    assert saved.headers["location"] == f"/p/{token}/review"
    assert post(app_client, f"/p/{token}/submit", token, {}).status_code == 303
    with sessions() as db:
        assert db.scalars(select(InstrumentResponse.total)).one() == 7


def test_an_unknown_token_gets_a_plain_404_page_and_nothing_is_stored(
    app_client, sessions, clinic: Clinic
):
    before = counts(sessions)
    page = app_client.get("/p/not-a-real-token")
    assert page.status_code == 404
    assert "This link is not valid" in page.text
    forged = post(app_client, "/p/not-a-real-token/q/phq9/1", "not-a-real-token", {"value": "1"})
    assert forged.status_code == 404
    assert counts(sessions) == before


def test_an_expired_link_gets_a_410_page_and_nothing_is_stored(
    app_client, sessions, clinic: Clinic
):
    token = issue(sessions, clinic, ["phq9"], at=datetime.now(UTC) - timedelta(days=4))
    before = counts(sessions)
    page = app_client.get(f"/p/{token}")
    assert page.status_code == 410
    assert "This link has expired" in page.text
    dob = post(app_client, f"/p/{token}/date-of-birth", token, {"date_of_birth": DOB})
    assert dob.status_code == 410
    assert counts(sessions) == before


def test_a_spent_link_says_the_answers_were_sent_and_stores_nothing_more(
    app_client, sessions, clinic: Clinic
):
    token = issue(sessions, clinic, ["phq9"])
    confirmed(app_client, token)
    answer_phq9(app_client, token, [0] * 9)
    post(app_client, f"/p/{token}/submit", token, {})
    before = counts(sessions)
    again = post(app_client, f"/p/{token}/submit", token, {})
    assert again.status_code == 410
    assert "already been sent" in again.text
    assert app_client.get(f"/p/{token}").status_code == 410
    assert counts(sessions) == before
