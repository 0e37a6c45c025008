"""P23: every service function, called as every role, is allowed or refused as the table says.

The table below is the contract. A service function added without an entry
here fails `test_every_service_function_has_an_entry`; a public function in
services/ that is not a checked service must be listed in NOT_SESSION_SERVICES
with the reason it needs no permission check of its own.

Each function is called through the real services layer on a real data file,
as an account of each role. The permission check runs before anything else,
so a refused role gets PermissionDenied whatever the arguments; an allowed
role gets past the check (and may then fail on the placeholder arguments,
which is not a permission matter). School-level checks inside the functions
are covered by each area's own tests (front office at another school, etc.).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import safetydesk.services as services_pkg
from safetydesk.domain.errors import PermissionDenied
from safetydesk.domain.permissions import GRANTS, Actor
from safetydesk.domain.permissions import Permission as P
from safetydesk.domain.vocab import Role
from safetydesk.services.context import SERVICES, Session

EXPECTED: dict[str, P | None] = {
    "accounts.change_own_password": None,
    "accounts.change_user": P.MANAGE_USERS,
    "accounts.create_user": P.MANAGE_USERS,
    "accounts.list_users": P.MANAGE_USERS,
    "accounts.reset_password": P.MANAGE_USERS,
    "accounts.set_user_active": P.MANAGE_USERS,
    "admin.backup": P.ADMINISTER,
    "admin.discard_draft": None,
    "admin.drafts": None,
    "admin.rebuild": P.ADMINISTER,
    "admin.save_draft": None,
    "admin.save_discarding_draft": None,
    "admin.verify": P.ADMINISTER,
    "agreements.add_agreement": P.MANAGE_AGREEMENTS,
    "agreements.add_document": P.MANAGE_AGREEMENTS,
    "agreements.adopt_agreement": P.MANAGE_AGREEMENTS,
    "agreements.adoption_check": P.VIEW_RECORDS,
    "agreements.agreement_history": P.VIEW_RECORDS,
    "agreements.amend_agreement": P.MANAGE_AGREEMENTS,
    "agreements.attach_document": P.MANAGE_AGREEMENTS,
    "agreements.check_agreement": P.MANAGE_AGREEMENTS,
    "agreements.confirm_content": P.MANAGE_AGREEMENTS,
    "agreements.confirm_with_document": P.MANAGE_AGREEMENTS,
    "agreements.get_agreement": P.VIEW_RECORDS,
    "agreements.list_agreements": P.VIEW_RECORDS,
    "agreements.open_document": P.VIEW_RECORDS,
    "agreements.record_review": P.MANAGE_AGREEMENTS,
    "agreements.retract_agreement": P.MANAGE_AGREEMENTS,
    "audit.audit_trail": P.VIEW_AUDIT,
    "calendar.add_school_days": P.VIEW_RECORDS,
    "calendar.calendar_draft": P.VIEW_RECORDS,
    "calendar.calendar_history": P.VIEW_RECORDS,
    "calendar.non_school_days": P.VIEW_RECORDS,
    "calendar.save_calendar": P.MANAGE_REGISTRY,
    "climate.activity_history": P.VIEW_RECORDS,
    "climate.amend_activity": P.LOG_CLIMATE,
    "climate.check": P.VIEW_RECORDS,
    "climate.count_activities": P.VIEW_RECORDS,
    "climate.counts_per_staff": P.VIEW_RECORDS,
    "climate.get_activity": P.VIEW_RECORDS,
    "climate.list_activities": P.VIEW_RECORDS,
    "climate.log_activity": P.LOG_CLIMATE,
    "climate.retract_activity": P.LOG_CLIMATE,
    "complaints.add_investigation_note": P.INVESTIGATE_COMPLAINT,
    "complaints.amend_complaint": P.FILE_COMPLAINT,
    "complaints.assign_investigator": P.INVESTIGATE_COMPLAINT,
    "complaints.check_complaint": P.FILE_COMPLAINT,
    "complaints.complaint_counts": P.VIEW_COMPLAINTS,
    "complaints.complaint_history": P.VIEW_COMPLAINTS,
    "complaints.count_complaints": P.VIEW_COMPLAINTS,
    "complaints.extend_response_deadline": P.INVESTIGATE_COMPLAINT,
    "complaints.file_complaint": P.FILE_COMPLAINT,
    "complaints.find_by_confirmation": P.VIEW_COMPLAINTS,
    "complaints.get_complaint": P.VIEW_COMPLAINTS,
    "complaints.list_complaints": P.VIEW_COMPLAINTS,
    "complaints.record_findings": P.INVESTIGATE_COMPLAINT,
    "complaints.response_letter": P.INVESTIGATE_COMPLAINT,
    "complaints.retract_complaint": P.INVESTIGATE_COMPLAINT,
    "complaints.take_step": P.FILE_COMPLAINT,
    "dashboard.dashboard_items": P.VIEW_RECORDS,
    "dashboard.dashboard_summary": P.VIEW_RECORDS,
    "dashboard.first_steps": P.VIEW_RECORDS,
    "dashboard.year_figures": P.VIEW_RECORDS,
    "dashboard.interactions_per_year": P.VIEW_RECORDS,
    "dashboard.school_years": P.VIEW_RECORDS,
    "duplicates.find_duplicates": P.VIEW_RECORDS,
    "duplicates.mark_duplicate": P.VIEW_RECORDS,
    "files.backup": P.ADMINISTER,
    "files.confirm_password": None,
    "files.verify": P.ADMINISTER,
    "interactions.add_follow_up": P.LOG_INTERACTION,
    "interactions.amend_interaction": P.AMEND_INTERACTION,
    "interactions.check": P.VIEW_RECORDS,
    "interactions.count_interactions": P.VIEW_RECORDS,
    "interactions.dashboard": P.VIEW_RECORDS,
    "interactions.flag_counts": P.VIEW_RECORDS,
    "interactions.follow_ups": P.VIEW_RECORDS,
    "interactions.get_interaction": P.VIEW_RECORDS,
    "interactions.interaction_history": P.VIEW_RECORDS,
    "interactions.law_enforcement_report": P.VIEW_RECORDS,
    "interactions.list_interactions": P.VIEW_RECORDS,
    "interactions.log_interaction": P.LOG_INTERACTION,
    "interactions.open_flags": P.VIEW_RECORDS,
    "interactions.preview_flags": P.VIEW_RECORDS,
    "interactions.retract_interaction": P.RETRACT_INTERACTION,
    "interactions.search_interactions": P.VIEW_RECORDS,
    "interventions.amend_request": P.LOG_INTERVENTION,
    "interventions.check": P.VIEW_RECORDS,
    "interventions.count_requests": P.VIEW_RECORDS,
    "interventions.counts_by_ground": P.VIEW_RECORDS,
    "interventions.get_request": P.VIEW_RECORDS,
    "interventions.list_requests": P.VIEW_RECORDS,
    "interventions.log_request": P.LOG_INTERVENTION,
    "interventions.request_history": P.VIEW_RECORDS,
    "interventions.retract_request": P.RETRACT_INTERACTION,
    "outside_requests.amend_request": P.LOG_OUTSIDE_REQUEST,
    "outside_requests.check": P.VIEW_RECORDS,
    "outside_requests.count_requests": P.VIEW_RECORDS,
    "outside_requests.get_request": P.VIEW_RECORDS,
    "outside_requests.list_requests": P.VIEW_RECORDS,
    "outside_requests.log_request": P.LOG_OUTSIDE_REQUEST,
    "outside_requests.request_history": P.VIEW_RECORDS,
    "outside_requests.retract_request": P.LOG_OUTSIDE_REQUEST,
    "policy_training.amend_session": P.MANAGE_TRAINING,
    "policy_training.attach_material": P.MANAGE_TRAINING,
    "policy_training.check_session": P.MANAGE_TRAINING,
    "policy_training.get_session": P.VIEW_RECORDS,
    "policy_training.list_sessions": P.VIEW_RECORDS,
    "policy_training.record_session": P.MANAGE_TRAINING,
    "policy_training.retract_session": P.MANAGE_TRAINING,
    "policy_training.session_history": P.VIEW_RECORDS,
    "policy_training.training_summary": P.VIEW_RECORDS,
    "records_io.export_records": P.VIEW_RECORDS,
    "records_io.import_records": P.VIEW_RECORDS,
    "registry.add_school": P.MANAGE_REGISTRY,
    "registry.add_school_year": P.MANAGE_REGISTRY,
    "registry.add_staff": P.MANAGE_REGISTRY,
    "registry.add_student": P.MANAGE_ROSTER,
    "registry.district": P.VIEW_RECORDS,
    "registry.find_students": P.VIEW_RECORDS,
    "registry.schools": P.VIEW_RECORDS,
    "registry.staff": P.VIEW_RECORDS,
    "registry.student": P.VIEW_RECORDS,
    "registry.student_id_for": P.VIEW_RECORDS,
    "registry.student_history": P.VIEW_RECORDS,
    "roster.apply_roster": P.IMPORT_ROSTER,
    "roster.export_students": P.IMPORT_ROSTER,
    "roster.import_roster": P.IMPORT_ROSTER,
    "roster.mappings": P.IMPORT_ROSTER,
    "roster.preview_roster": P.IMPORT_ROSTER,
    "roster.save_mapping": P.IMPORT_ROSTER,
    "settings.get_settings": P.VIEW_RECORDS,
    "settings.update_settings": P.ADMINISTER,
    "templates.approve_template": P.ADMINISTER,
    "templates.check_template": P.ADMINISTER,
    "templates.preview_template": P.ADMINISTER,
    "templates.save_template": P.ADMINISTER,
    "templates.template_for_editing": P.ADMINISTER,
    "templates.wording": P.VIEW_RECORDS,
    "staff.amend_staff": P.MANAGE_REGISTRY,
    "staff.attach_file": P.MANAGE_TRAINING,
    "staff.get_staff": P.VIEW_RECORDS,
    "staff.get_training": P.VIEW_RECORDS,
    "staff.is_trained": P.VIEW_RECORDS,
    "staff.list_staff": P.VIEW_RECORDS,
    "staff.read_file": P.VIEW_RECORDS,
    "staff.record_training": P.MANAGE_TRAINING,
    "staff.record_training_with_file": P.MANAGE_TRAINING,
    "staff.retract_staff": P.MANAGE_REGISTRY,
    "staff.staff_history": P.VIEW_RECORDS,
    "staff.training_due": P.VIEW_RECORDS,
    "staff.training_history": P.VIEW_RECORDS,
    "staff.view_staff": P.VIEW_RECORDS,
    "sync.allow_unattended_sync": P.ADMINISTER,
    "sync.compare_with_share": P.ADMINISTER,
    "sync.join_district_folder": P.ADMINISTER,
    "sync.make_enrolment_file": P.ADMINISTER,
    "sync.remove_workstation": P.ADMINISTER,
    "sync.set_up_district_folder": P.ADMINISTER,
    "sync.sync_now": P.VIEW_RECORDS,
    "start_of_year.amend": P.VIEW_RECORDS,
    "start_of_year.attach_material": P.MANAGE_START_OF_YEAR,
    "start_of_year.check": P.VIEW_RECORDS,
    "start_of_year.district_status": P.VIEW_RECORDS,
    "start_of_year.get": P.VIEW_RECORDS,
    "start_of_year.gun_safe_report": P.VIEW_RECORDS,
    "start_of_year.history": P.VIEW_RECORDS,
    "start_of_year.household_list": P.MANAGE_GUN_SAFE_HOUSEHOLDS,
    "start_of_year.open_material": P.VIEW_RECORDS,
    "start_of_year.record": P.VIEW_RECORDS,
    "start_of_year.retract": P.VIEW_RECORDS,
    "start_of_year.school_checklist": P.VIEW_RECORDS,
    "disclosures.disclosures_of_student": P.VIEW_RECORDS,
    "task_key.enable_task_key": P.MANAGE_USERS,
    "task_key.disable_task_key": P.MANAGE_USERS,
    "task_key.task_key_status": P.ADMINISTER,
    "reports.board_report": P.VIEW_RECORDS,
    "reports.compliance_status": P.VIEW_RECORDS,
    "reports.crdc_district": P.EXPORT_CRDC_UNSUPPRESSED,
    "reports.crdc_public": P.VIEW_RECORDS,
    "reports.complaint_printout": P.VIEW_COMPLAINTS,
    "reports.disaggregated": P.VIEW_RECORDS,
    "reports.disaggregated_tables": P.VIEW_RECORDS,
    "reports.disclosure_record": P.VIEW_RECORDS,
    "reports.interaction_listing": P.VIEW_RECORDS,
    "reports.interaction_printout": P.VIEW_RECORDS,
    "reports.intervention_printout": P.VIEW_RECORDS,
    "reports.ospi_collection": P.VIEW_RECORDS,
    "reports.save": P.VIEW_RECORDS,
    "review.held_entries": P.RETRACT_INTERACTION,
    "review.needs_review": P.RETRACT_INTERACTION,
    "review.resolve_conflict": P.RETRACT_INTERACTION,
    "review.verify_against": P.ADMINISTER,
    "undo.undo_save": P.VIEW_RECORDS,
    "list_export.export_interaction_list": P.VIEW_RECORDS,
    "list_export.interaction_list_for_print": P.VIEW_RECORDS,
}

# Public functions in services/ that are not session services, and why.
NOT_SESSION_SERVICES = {
    # Building blocks called only by checked services (they take a session that
    # has already passed its check, or act on a store before anyone signs in).
    "accounts.check_password_rules": "pure rule check",
    "accounts.password_strength": "pure rule check (the meter shown while a password is typed)",
    "accounts.is_admin_role": "pure rule check",
    "accounts.validate_user": "pure rule check",
    "accounts.ring_of": "key slots of a store, used by checked account services",
    "accounts.add_account": "used by create_user (checked) and by set-up before any account exists",
    "accounts.actor_for": "who a signed-in account is; used while signing in",
    "agreements.reminders": "called by dashboard.dashboard_items (checked)",
    "agreements.not_adopted_in_effect": "called by dashboard.dashboard_items (checked)",
    "audit.record_access": "writes the audit entry of a checked view, print or export",
    "calendar.school_calendar": "read by checked complaint services",
    "complaints.deadline_items": "called by dashboard.dashboard_items (checked)",
    "context.service": "the decorator itself",
    "disclosures.sha256": "pure function",
    "disclosures.check": "pure rule check",
    "disclosures.authorise": "the disclose-to-an-outside-party check itself (P23), run by disclosure_changes",
    "disclosures.disclosure_changes": "builds the entry that reports.save (checked) writes",
    "dashboard.compliance_flag_items": "called by dashboard.dashboard_items (checked)",
    "dashboard.training_items": "called by dashboard.dashboard_items (checked)",
    "dashboard.can_act_on": "pure rule over an actor and an item (used by dashboard_items)",
    "dashboard.is_old": "pure rule over an item's date (used by dashboard_items)",
    "dashboard.shows": "pure: whether record kinds are ones the dashboard shows; reads nothing",
    "files.data_file_exists": "whether a file exists; reveals nothing",
    "files.create_data_file": "creates a new data file; no account exists yet",
    "files.wait_before_next_attempt": "sign-in throttling",
    "files.sign_in": "opens the file: the password is the check",
    "files.is_set_up": "whether a file has a district; reveals nothing",
    "files.backup_file_name": "a file name",
    "files.latest_backup": "a file name",
    "files.describe_backup": "reads a backup's manifest; reveals no record",
    "files.restore": "the backup opens only with an account's password",
    "interactions.known_for": "building block of checked interaction services",
    "kernel.require": "the kernel's permission check, called by checked services",
    "kernel.check_free_text": "pure text check (P14)",
    "kernel.known": "building block of checked services",
    "kernel.transaction": "groups the writes of one checked service",
    "kernel.load": "building block of checked services (checks the view permission itself)",
    "kernel.refuse_stale": "building block of checked services",
    "kernel.checked_state": "building block of checked services",
    "kernel.check": "building block of checked services",
    "kernel.create": "building block of checked services",
    "kernel.amend": "building block of checked services",
    "kernel.change": "building block of checked services",
    "kernel.retract": "building block of checked services",
    "kernel.get": "building block of checked services",
    "kernel.history": "building block of checked services",
    "kernel.scoped": "building block of checked services",
    "kernel.list_records": "building block of checked services",
    "kernel.count_records": "building block of checked services",
    "attachments.add_attachment": "stores a file for a checked service (which checks its own permission)",
    "attachments.check_attachments": "building block of checked services",
    "attachments.describe": "building block of checked services",
    "attachments.read_attachment": "takes the view permission to check from its checked caller",
    "interactions.context_for": "building block of checked interaction services",
    "records_io.read_rows": "parses a file; writes nothing",
    "records_io.draft_type": "a lookup table",
    "records_io.row_ranges": "formats row numbers",
    "registry.create_changes": "builds history entries for checked services",
    "registry.setup_district": "set-up of a new data file before any account exists",
    "roster.describe": "formats an import summary",
    "roster.describe_preview": "formats a preview in words",
    "settings.current": "the settings in force, for checked services",
    "templates.record_id": "the record id of a template, a pure function",
    "templates.sample_letter": "fictional sample content for a preview, a pure function",
    "templates.sample_family_document": "fictional sample content for a preview, a pure function",
    "start_of_year.dashboard_items": "called by dashboard.dashboard_items (checked)",
    "task_key.open_as_task": "opens the file with the scheduled-task key: a session limited to administer",
    "files.only_derived_tables_differ": "classifies verify's problems",
    "ui_support.close_session": "closes the signed-in account's own file",
    "sync.status": "reads this workstation's own sync bookkeeping; no records",
    "sync.last_sync": "reads this workstation's own sync bookkeeping (the About window); no records",
    "sync.engine_state": "reads this workstation's own sync bookkeeping; no records",
    "sync.sync_unattended": "a scheduled task with nobody signed in; runs only with the key an "
                            "administrator kept for it (sync.allow_unattended_sync, checked)",
    "sync.run_unattended": "the same, with the data file opened from the credential store's key",
    "undo.record_type_created_by": "pure: which record type a creating service writes",
    "undo.undo_permission": "pure: the retract permission the window checks before offering Undo",
    "sync.data_as_of": "reads this workstation's own sync bookkeeping (workstation and school names, "
                       "times) for a report the caller's report service already checked",
    "sync.join_as_new_workstation": "an empty data folder, no account yet: authorised by the enrolment "
                                    "file and its passphrase (sync.make_enrolment_file, checked)",
}


def _service_modules() -> list:
    return [importlib.import_module(f"safetydesk.services.{m.name}")
            for m in pkgutil.iter_modules(services_pkg.__path__)]


def _public_functions() -> set[str]:
    found = set()
    for module in _service_modules():
        short = module.__name__.rsplit(".", 1)[-1]
        for name, obj in vars(module).items():
            if not name.startswith("_") and inspect.isfunction(obj) and obj.__module__ == module.__name__:
                found.add(f"{short}.{name}")
    return found


@pytest.mark.policy("P23")
def test_every_service_function_has_an_entry():
    _service_modules()
    assert set(SERVICES) - set(EXPECTED) == set(), "add these services to EXPECTED with their permission"
    assert set(EXPECTED) - set(SERVICES) == set(), "these services no longer exist: remove them from EXPECTED"
    wrong = {name: (SERVICES[name], EXPECTED[name]) for name in EXPECTED if SERVICES[name] != EXPECTED[name]}
    assert wrong == {}, "permission differs from the table (found, expected)"
    unchecked = _public_functions() - set(SERVICES) - set(NOT_SESSION_SERVICES)
    assert unchecked == set(), "public service functions without a permission check or a listed reason"


def _function(name: str):
    module, fn = name.split(".")
    return getattr(importlib.import_module(f"safetydesk.services.{module}"), fn)


def _placeholder_args(fn) -> list:
    params = list(inspect.signature(fn).parameters.values())[1:]
    return [None for p in params if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


@pytest.mark.policy("P23")
@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_allowed_or_refused_by_every_service(world, role):
    high = world.high
    actor = Actor(f"test-{role.value}", role.label, role,
                  frozenset() if role in (Role.DISTRICT_ADMIN, Role.REVIEWER) else frozenset({high}))
    session = Session(world.session.store, actor)
    outcomes = {}
    for name, permission in sorted(EXPECTED.items()):
        fn = _function(name)
        try:
            fn(session, *_placeholder_args(fn))
            refused = False
        except PermissionDenied:
            refused = True
        except Exception:  # got past the check, then tripped on a placeholder argument
            refused = False
        allowed = permission is None or permission in GRANTS[role]
        if refused == allowed:
            outcomes[name] = "refused" if refused else "allowed"
    assert outcomes == {}, f"{role.value}: these services did not behave as the table says"
