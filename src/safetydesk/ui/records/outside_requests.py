"""Outside information requests (P15): a release needs its legal basis."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtWidgets import QLineEdit

from safetydesk.domain.disclosures import DISCLOSURE
from safetydesk.domain.outside_requests import (
    OUTSIDE_REQUEST,
    DocumentType,
    OutsideRequestDraft,
    Response,
)
from safetydesk.domain.permissions import Permission
from safetydesk.services import outside_requests
from safetydesk.ui.kit.detail import RecordDetail
from safetydesk.ui.kit.form import RecordForm
from safetydesk.ui.kit.layout import FormBuilder
from safetydesk.ui.kit.listing import RecordListPage
from safetydesk.ui.kit.pickers import choose_school, refill_schools, school_combo
from safetydesk.ui.kit.widgets import (
    combo,
    date_edit,
    date_value,
    set_combo,
    set_date,
    text_area,
)
from safetydesk.ui.kit.windows import existing_form, show_detail, track_form


# ====================================================================== outside requests
def load_outside(session: Any, record_id: str) -> dict[str, Any]:
    return {"record": outside_requests.get_request(session, record_id),
            "history": outside_requests.request_history(session, record_id)}


class OutsideRequestForm(RecordForm):
    FORM = "outside_request"
    NOUN = "outside request"
    TITLE_NEW = "Log an outside request for information"
    TITLE_AMEND = "Correct an outside request"
    INTRO = ("Log every request for information from an outside agency (P15). No information is "
             "provided in response to requests from federal immigration authorities for civil "
             "immigration enforcement, except as required by law (Policy 4310): a release needs the "
             "legal basis that required it. Route the request; do not answer it at the desk.")
    FIELDS = ("received_on", "school_id", "agency", "document_type", "description", "routed_to",
              "response", "legal_basis", "responded_on", "note")
    TEXT_FIELDS = ("description", "note", "agency", "routed_to", "legal_basis")
    DRAFT_CLASS = OutsideRequestDraft

    def build(self, form: FormBuilder) -> None:
        self.resize(740, 820)
        form.add_section("The request")
        self.received_on = date_edit("receivedOn")
        form.add("received_on", "&Received on *", self.received_on, object_name="receivedOn")
        self.school = school_combo(self.ctx, first="The district office")
        form.add("school_id", "Received &at", self.school, object_name="school",
                 description="The school that received it, or the district office.")
        self.agency = QLineEdit()
        self.agency.setPlaceholderText("Who asked")
        form.add("agency", "&Agency *", self.agency, object_name="agency")
        self.document_type = combo("documentType", "Kind of document", DocumentType.choices(),
                                   first="Choose the kind of document…")
        form.add("document_type", "&Document *", self.document_type, object_name="documentType",
                 description="A judicial warrant or court order is signed by a judge; an administrative "
                             "warrant, detainer or notification request is not.")
        self.description = text_area("description", "What was asked for (no more student detail than "
                                     "needed)", 70)
        form.add("description", "What was as&ked", self.description, object_name="description",
                 top_aligned=True)
        form.add_section("What was done")
        self.routed_to = QLineEdit()
        self.routed_to.setPlaceholderText("For example: superintendent's office, district counsel")
        form.add("routed_to", "Routed &to *", self.routed_to, object_name="routedTo")
        self.response = combo("response", "Response", Response.choices())
        form.add("response", "Res&ponse *", self.response, object_name="response")
        self.legal_basis = QLineEdit()
        self.legal_basis.setPlaceholderText("The law that required the release")
        form.add("legal_basis", "&Legal basis", self.legal_basis, object_name="legalBasis",
                 description="Required for a release: information may be provided only as required by "
                             "law (Policy 4310).")
        self.responded_on = date_edit("respondedOn", optional=True)
        form.add("responded_on", "Responded o&n", self.responded_on, object_name="respondedOn")
        self.note = text_area("note", "", 60)
        form.add("note", "N&ote", self.note, object_name="note", top_aligned=True)

    def lookups_arrived(self) -> None:
        refill_schools(self.school, self.ctx, "The district office")

    def load(self, d: OutsideRequestDraft) -> None:
        if d.received_on:
            set_date(self.received_on, d.received_on)
        choose_school(self.school, self.ctx, d.school_id)
        if not d.school_id:
            set_combo(self.school, "")  # the district office
        self.agency.setText(d.agency)
        set_combo(self.document_type, d.document_type)
        self.description.setPlainText(d.description)
        self.routed_to.setText(d.routed_to)
        set_combo(self.response, d.response)
        self.legal_basis.setText(d.legal_basis)
        set_date(self.responded_on, d.responded_on)
        self.note.setPlainText(d.note)
        self._response_changed()

    def draft(self) -> OutsideRequestDraft:
        return OutsideRequestDraft(
            received_on=date_value(self.received_on), school_id=self.school.currentData() or "",
            agency=self.agency.text().strip(), document_type=self.document_type.currentData() or "",
            description=self.description.toPlainText().strip(), routed_to=self.routed_to.text().strip(),
            response=self.response.currentData() or "", legal_basis=self.legal_basis.text().strip(),
            responded_on=date_value(self.responded_on), note=self.note.toPlainText().strip())

    def connect_fields(self) -> None:
        self.received_on.dateChanged.connect(lambda _: self.changed("received_on"))
        self.school.currentIndexChanged.connect(lambda _: self.changed("school_id"))
        self.agency.textChanged.connect(lambda _: self.changed("agency"))
        self.document_type.currentIndexChanged.connect(lambda _: self.changed("document_type"))
        self.description.textChanged.connect(lambda: self.changed("description"))
        self.routed_to.textChanged.connect(lambda _: self.changed("routed_to"))
        self.response.currentIndexChanged.connect(self._response_chosen)
        self.legal_basis.textChanged.connect(lambda _: self.changed("legal_basis"))
        self.responded_on.dateChanged.connect(lambda _: self.changed("responded_on"))
        self.note.textChanged.connect(lambda: self.changed("note"))

    def _response_chosen(self, _index: int = 0) -> None:
        self._response_changed()
        self.changed("response")

    def _response_changed(self) -> None:
        response = self.response.currentData()
        self.form.rows["legal_basis"].set_required(response == Response.PROVIDED)
        self.form.rows["responded_on"].set_required(response in (Response.DECLINED, Response.PROVIDED))
        if response == Response.PROVIDED:
            self._touched.add("legal_basis")

    def check_service(self) -> Any:
        return outside_requests.check

    def log_service(self) -> Any:
        return outside_requests.log_request

    def amend_service(self) -> Any:
        return outside_requests.amend_request


class OutsideRequestDetail(RecordDetail):
    NOUN = "outside request"
    FIELD_LABELS: ClassVar[dict[str, str]] = {
        "received_on": "Received on", "school_id": "Received at", "agency": "Agency",
        "document_type": "Document", "description": "What was asked", "routed_to": "Routed to",
        "response": "Response", "legal_basis": "Legal basis", "responded_on": "Responded on", "note": "Note"}

    def loader(self) -> Any:
        return load_outside

    KINDS = (OUTSIDE_REQUEST, DISCLOSURE,)

    def describe(self, field: str, value: Any) -> str:
        if field == "document_type" and value:
            return DocumentType.label_of(value)
        if field == "response" and value:
            return Response.label_of(value)
        return super().describe(field, value)

    def show_data(self, data: dict[str, Any]) -> None:
        record = data["record"]
        s = record["state"]
        self.setWindowTitle(f"Outside request — {s.get('agency', '')}")
        self.title.setText(f"Request from {s.get('agency', '')} · {s.get('received_on', '')}")
        self.subtitle.setText(f"{self.ctx.school_name(s.get('school_id', '')) or 'District office'} · "
                              f"logged by {s.get('author', '')} · version {record.get('version', 1)}")
        response = s.get("response", "")
        self.set_badges([(Response.label_of(response), "force" if response == Response.PROVIDED else
                          "discipline" if response == Response.PENDING else "ok")])
        self.set_rows([
            ("Received on", s.get("received_on", "")),
            ("Received at", self.ctx.school_name(s.get("school_id", "")) or "District office"),
            ("Agency", s.get("agency", "")),
            ("Document", DocumentType.label_of(s.get("document_type"))),
            ("What was asked", s.get("description", "")),
            ("Routed to", s.get("routed_to", "")),
            ("Response", Response.label_of(response)),
            ("Legal basis", s.get("legal_basis", "")),
            ("Responded on", s.get("responded_on", "")),
            ("Note", s.get("note", "")),
        ])

    def can_amend(self, state: dict[str, Any]) -> bool:
        return self.ctx.can(Permission.LOG_OUTSIDE_REQUEST, state.get("school_id") or None)

    def can_retract(self, state: dict[str, Any]) -> bool:
        return self.can_amend(state)

    def retract_service(self) -> Any:
        return outside_requests.retract_request

    def amend(self) -> None:
        if self.data is None or not self.amend_button.isEnabled():
            return
        if existing_form(self.window_, f"outside_request:amend:{self.record_id}") is None:
            track_form(self.window_, OutsideRequestForm(self.ctx, record=self.data["record"],
                                                        parent=self.window_ or self))


def list_outside_page(session: Any, offset: int, limit: int, **f: Any) -> list[dict[str, Any]]:
    return outside_requests.list_requests(session, offset, limit, **f)


class OutsideRequestsPage(RecordListPage):
    KEYSET = ("received_on", "id")  # pages by key (store.queries_paging)
    SORTS = "outside_requests"  # sortable columns: domain.filters.LIST_SORT_FIELDS
    TITLE = "Outside requests"
    NOUN = ("request", "requests")
    NEW_TEXT = "Log an outside request…"
    SEARCH_HINT = "Search agencies, descriptions and notes"
    INTRO = ("Every request for information from an outside agency, including federal immigration "
             "authorities, with where it was routed and the response (P15).")
    COLUMNS: ClassVar[list[tuple[str, str]]] = [
        ("received", "Received"), ("where", "Received at"), ("agency", "Agency"),
        ("document", "Document"), ("routed", "Routed to"), ("response", "Response")]
    WIDTHS = (100, 160, 200, 230, 180)

    def add_filters(self) -> None:
        self.response = combo("responseFilter", "Filter by response", Response.choices(),
                              first="Any response")
        self.filters_row.addWidget(self.response)
        self.response.currentIndexChanged.connect(lambda _: self.apply_filter())
        self.setObjectName("outsideRequestsPage")

    def filters(self) -> dict[str, Any]:
        return super().filters() | {"response": self.response.currentData() or ""}

    def fetch_fn(self) -> Any:
        return list_outside_page

    def count_fn(self) -> Any:
        return outside_requests.count_requests

    def text(self, row: dict[str, Any], column: str) -> str:
        if column == "received":
            return row.get("received_on", "")
        if column == "where":
            return row.get("school_name") or "District office"
        if column == "agency":
            return row.get("agency", "")
        if column == "document":
            return DocumentType.label_of(row.get("document_type"))
        if column == "routed":
            return row.get("routed_to", "")
        if column == "response":
            return Response.label_of(row.get("response"))
        return ""

    def red(self, row: dict[str, Any], column: str) -> bool:
        return column == "response" and row.get("response") == Response.PROVIDED

    KINDS = (OUTSIDE_REQUEST, DISCLOSURE,)

    def can_create(self) -> bool:
        return self.ctx.can(Permission.LOG_OUTSIDE_REQUEST)

    def new_record(self) -> Any:
        return track_form(self.window_, OutsideRequestForm(self.ctx, parent=self.window_)) \
            if self.can_create() else None

    def open(self, record_id: str) -> Any:
        return open_outside(self.window_, record_id, self.ctx)


def open_outside(window: Any, record_id: str, ctx: Any = None) -> Any:
    ctx = ctx or window.ctx
    return show_detail(window, f"outside_request:{record_id}",
                       lambda: OutsideRequestDetail(ctx, record_id, window, parent=window))
