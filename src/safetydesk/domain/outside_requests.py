"""P15: requests for information from outside agencies, including federal immigration authorities.

No information is provided in response to notification requests from federal
immigration authorities for civil immigration enforcement, except as required
by law (Policy 4310). Every outside request is logged; a release cannot be
recorded without the legal basis that required it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from safetydesk.domain.records import Draft
from safetydesk.domain.validation import FieldError, Known, _dedupe, parse_date
from safetydesk.domain.vocab import Labelled, vocabulary

OUTSIDE_REQUEST = "outside_request"


class DocumentType(Labelled):
    (JUDICIAL_WARRANT, COURT_ORDER, ADMINISTRATIVE_WARRANT, DETAINER,
     NOTIFICATION_REQUEST, INFORMAL, OTHER) = vocabulary("""
        judicial_warrant        Judicial warrant (signed by a judge)
        court_order             Court order or judicial subpoena
        administrative_warrant  Administrative warrant (not signed by a judge)
        detainer                Detainer request
        notification_request    Notification request
        informal_request        Informal request (phone, email, visit)
        other                   Other
    """)


JUDICIAL = frozenset({DocumentType.JUDICIAL_WARRANT, DocumentType.COURT_ORDER})


class Response(Labelled):
    PENDING, DECLINED, PROVIDED = vocabulary("""
        pending                      Pending (routed, no response yet)
        declined                     Declined
        provided_as_required_by_law  Provided as required by law
    """)


@dataclass
class OutsideRequestDraft(Draft):
    record_type: ClassVar[str] = OUTSIDE_REQUEST
    received_on: str = ""
    school_id: str = ""  # empty: received by the district office
    agency: str = ""
    document_type: str = ""
    description: str = ""  # what was asked for, without student details beyond what is needed
    routed_to: str = ""
    response: str = Response.PENDING.value
    legal_basis: str = ""  # required for a release
    responded_on: str = ""
    note: str = ""


def validate_outside_request(d: OutsideRequestDraft, known: Known) -> list[FieldError]:
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    received = parse_date(d.received_on)
    if received is None:
        add("received_on", "Enter the date the request was received as YYYY-MM-DD.")
    elif received > known.now.date():
        add("received_on", "The date is in the future.")
    elif received < date(2000, 1, 1):
        add("received_on", "The date is before 2000; check the year.")
    if d.school_id and d.school_id not in known.schools:
        add("school_id", "That school is not in this district's list of schools.")
    if not d.agency.strip():
        add("agency", "Name the agency that asked.")
    if d.document_type not in DocumentType._value2member_map_:
        add("document_type", "Choose the kind of document: judicial warrant, court order, administrative "
            "warrant, detainer, notification request, informal request or other.")
    if not d.routed_to.strip():
        add("routed_to", "Say to whom the request was routed (for example the superintendent's office or district counsel).")
    if d.response not in Response._value2member_map_:
        add("response", "Choose the response: pending, declined or provided as required by law.")
    if d.response == Response.PROVIDED and not d.legal_basis.strip():
        add("legal_basis",
            "Information may be released only as required by law (Policy 4310). Record the legal basis "
            "that required the release (for example the judicial warrant or court order and the statute).")
    if d.response in (Response.DECLINED, Response.PROVIDED):
        responded = parse_date(d.responded_on)
        if responded is None:
            add("responded_on", "Enter the date of the response as YYYY-MM-DD.")
        elif received and responded < received:
            add("responded_on", "The response cannot come before the request.")
    return _dedupe(errors)
