"""Every HTTP route of the gateway, in one table.

The table drives the dispatcher (gateway.dispatch: matching, the role check,
validation, rate limiting), the OpenAPI document (gateway.openapi) and the
role-matrix test. A route lists the roles that may call it (``public``:
anyone, without a token). Beyond the role, an institution operator is held to
their own institution on every route with an ``institution_code`` (path or
query: the dispatcher checks it, and fills the query in when it is left out),
and to their own candidates on every route about one application (the handler
fetches the application and checks it).
"""
from dataclasses import dataclass, field
import re

from assessor_training import schemas as training
from certificate import schemas as cert
from exam import schemas as exam
from exam.schemas import BatchSchema
from kernel.uploads import UploadRequest
from payment import schemas as pay
from registration.schemas import (ApplicationSchema, EligibilitySchema as EligibilityBody,
                                  PrecheckSchema, RegistrantCountsSchema)
from review import schemas as review

from gateway import domain, schemas as s
from gateway.domain import (ANY_ACCOUNT, CANDIDATE, CENTER, CERTIFICATE_OFFICER, EVERYONE,
                            EXAM_ADMIN, FINANCE, INSTITUTION, MUNICIPAL, PROVINCIAL, PUBLIC,
                            REVIEWER)
from gateway.handlers import (accounts, credentials, files, flows, meta, registration,
                              verification)
from gateway.handlers.common import body, relay

JSON = "application/json"
PER_USERNAME = "per_username"


@dataclass(frozen=True)
class Route:
    method: str
    path: str                       # OpenAPI style: /applications/{application_id}
    name: str                       # operationId, unique
    roles: tuple
    handler: object
    summary: str
    tag: str
    body: object = None             # marshmallow schema class of the JSON body
    check: object = None            # what the gateway validates, when not ``body``
    query: object = None            # schema class of the query string
    response: object = None         # schema class of a JSON answer (None: any JSON)
    many: bool = False              # the answer is a list of ``response``
    status: int = 200
    produces: str = JSON            # or a file's media type
    rate_limited: object = False    # True: per client address; PER_USERNAME: per address
                                    # and the user name in the body (gateway.ratelimit)
    per_target: str = None          # also one bucket per value of this path parameter or
                                    # body field, from every address (gateway.ratelimit)
    services: tuple = ()            # the services it calls (docs; 503/504 possible)
    description: str = ""
    path_params: tuple = field(default=(), init=False)

    def __post_init__(self):
        object.__setattr__(self, "path_params", tuple(re.findall(r"{(\w+)}", self.path)))

    @property
    def public(self):
        return PUBLIC in self.roles

    @property
    def rule(self):
        """The werkzeug rule: /applications/<application_id>."""
        return re.sub(r"{(\w+)}", r"<\1>", self.path)


APPLICATION_READERS = (CANDIDATE, INSTITUTION) + CENTER
REVIEWERS = (REVIEWER, PROVINCIAL)
FINANCE_STAFF = (FINANCE, PROVINCIAL)
EXAM_STAFF = (EXAM_ADMIN, PROVINCIAL)
CERTIFICATE_STAFF = (CERTIFICATE_OFFICER, PROVINCIAL)
FILE = "application/octet-stream"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# request bodies: the services' schemas without what the gateway fills in
DecisionBody = body(review.DecideSchema, "DecisionBody", "application_id", "reviewer")
DecisionsBody = body(review.DecideManySchema, "DecisionsBody", "reviewer")
DishonestyBody = body(review.DishonestySchema, "DishonestyBody", "application_id", "reviewer")
FeesBody = body(pay.SetFeesSchema, "FeesBody", "actor")
InstitutionPaymentBody = body(pay.InstitutionPaymentSchema, "InstitutionPaymentBody",
                              "institution_code", "actor")
IndividualPaymentBody = body(pay.IndividualPaymentSchema, "IndividualPaymentBody",
                             "application_id", "candidate_id_number", "actor")
ConfirmBody = body(pay.ConfirmSchema, "ConfirmBody", "submission_id", "actor")
RejectBody = body(pay.RejectSchema, "RejectBody", "submission_id", "actor")
SlipBody = body(pay.PaymentSlipSchema, "SlipBody", "application_id", "actor")
RefundBody = body(pay.RefundSchema, "RefundBody", "actor")
StatementBody = body(pay.StatementSchema, "StatementBody", "actor")
MatchBody = body(pay.ManualMatchSchema, "MatchBody", "actor")
OverrideBody = body(exam.OverrideSchema, "OverrideBody", "actor")
ArrangeBody = body(exam.ArrangeSchema, "ArrangeBody", "batch_code")
DispatchBody = body(exam.BatchRequestSchema, "DispatchBody", "batch_code")
CheckInBody = body(exam.CheckInSchema, "CheckInBody", "staff")
ComputerScoresBody = body(exam.ComputerScoresSchema, "ComputerScoresBody", "batch_code",
                          "recorded_by")
PracticalScoresBody = body(exam.PracticalScoresSchema, "PracticalScoresBody", "batch_code")
VerifyBody = body(exam.VerifySchema, "VerifyBody", "batch_code", "checker")
TotalBody = body(exam.TotalSchema, "TotalBody", "batch_code", "recorder")
ArchiveSummaryBody = body(exam.ArchiveSchema, "ArchiveSummaryBody", "batch_code", "archived_by")
SupervisorBody = body(exam.SupervisorSchema, "SupervisorBody", "batch_code", "session_code",
                      "assigned_by")
SupervisionBody = body(exam.SupervisionSchema, "SupervisionBody", "batch_code", "session_code")
MeetingBody = body(exam.MeetingSchema, "MeetingBody", "batch_code", "session_code",
                   "recorded_by")
ResolveBody = body(exam.ResolveSchema, "ResolveBody", "objection_id", "actor")
RevokeBody = body(cert.RevokeSchema, "RevokeBody", "certificate_number", "actor")
PrintBatchBody = body(cert.PrintBatchSchema, "PrintBatchBody", "actor")
InstitutionCollectionBody = body(cert.InstitutionCollectionSchema,
                                 "InstitutionCollectionBody", "actor")
IndividualCollectionBody = body(cert.IndividualCollectionSchema, "IndividualCollectionBody",
                                "actor")
HandoverBody = body(cert.InstitutionHandoverSchema, "HandoverBody", "institution_code",
                    "actor")
AssessorReviewBody = body(training.ReviewSchema, "AssessorReviewBody", "application_id",
                          "authority", "reviewer")
StudyBody = body(training.StudySchema, "StudyBody", "application_id")
ExamScoreBody = body(training.ExamScoreSchema, "ExamScoreBody", "application_id")
RenewBody = body(training.RenewSchema, "RenewBody", "card_number", "reviewer")
CardRevokeBody = body(training.RevokeSchema, "CardRevokeBody", "card_number", "actor")

ROUTES = (
    # --- the gateway itself --------------------------------------------------------------
    Route("GET", "/health", "health", EVERYONE, meta.health, "Is the gateway up", "meta",
          response=s.HealthSchema),
    Route("GET", "/openapi.json", "openapi", EVERYONE, meta.openapi,
          "This API as an OpenAPI 3 document", "meta"),
    Route("GET", "/docs", "docs", EVERYONE, meta.docs, "This API as a page to read", "meta",
          produces="text/html"),
    Route("GET", "/today", "today", EVERYONE, meta.today,
          "Today as the suite sees it (Asia/Shanghai, or the rehearsal clock): the portal "
          "greys closed windows by this date, not by the visitor's own clock", "meta",
          response=s.TodaySchema),
    Route("GET", "/admin/clock", "clock", (PROVINCIAL,), meta.clock_state,
          "Today as the suite sees it, and the rehearsal clock", "meta",
          response=s.ClockSchema),
    Route("PUT", "/admin/clock", "set_clock", (PROVINCIAL,), meta.set_clock,
          "Move the rehearsal clock (only with SKILLCERT_REHEARSAL=1)", "meta",
          body=s.ClockBody, response=s.ClockSchema),
    Route("DELETE", "/admin/clock", "clear_clock", (PROVINCIAL,), meta.clear_clock,
          "Back to the real date", "meta", response=s.ClockSchema),
    Route("GET", "/admin/calendar", "calendar_years", (PROVINCIAL,),
          relay("exam", "calendar_years"),
          "The working-day calendar's years and where each comes from (loaded, file, "
          "chinesecalendar; W1)", "meta", many=True, services=("exam",)),
    Route("PUT", "/admin/calendar/{year}", "set_calendar_year", (PROVINCIAL,),
          relay("exam", "set_calendar_year", path=("year",), body=True, actor="actor"),
          "Load a year's statutory holidays and make-up working days (调休) as the State "
          "Council published them (W1); every service computes what waited for it", "meta",
          body=body(exam.SetCalendarYearSchema, "CalendarYearBody", "year", "actor"),
          services=("exam",)),

    # --- accounts ----------------------------------------------------------------------------
    Route("POST", "/accounts", "signup", EVERYONE, accounts.signup,
          "A candidate opens an account (bound to their ID number, R2; rate-limited)",
          "accounts", body=s.SignupSchema, response=s.AccountSchema, status=201,
          rate_limited=True),
    Route("POST", "/auth/token", "login", EVERYONE, accounts.login,
          "Sign in: a bearer token for the other routes", "accounts", body=s.LoginSchema,
          response=s.TokenSchema, rate_limited=PER_USERNAME,
          description="Rate-limited per client address and user name (password guessing)."),
    Route("GET", "/accounts/me", "me", ANY_ACCOUNT, accounts.me, "The signed-in account",
          "accounts", response=s.AccountSchema),
    Route("POST", "/auth/logout", "logout", ANY_ACCOUNT, accounts.logout,
          "Sign out: every token of this account stops working", "accounts",
          response=s.LogoutSchema),
    Route("POST", "/accounts/me/password", "change_password", ANY_ACCOUNT,
          accounts.change_password, "Change the password (older tokens stop working; "
          "rate-limited)", "accounts", body=s.PasswordChangeSchema, response=s.AccountSchema,
          rate_limited=True),
    Route("GET", "/auth/verification", "verification_status", (CANDIDATE,),
          verification.status, "身份核验: whether the person is verified, the phones on file "
          "(masked) and the code pending", "accounts", response=s.VerificationStatusSchema,
          services=("registration",)),
    Route("POST", "/auth/verification", "send_verification_code", (CANDIDATE,),
          verification.send, "Send a verification code to the phone on file (the number an "
          "institution entered when it registered the person; rate-limited)", "accounts",
          body=s.VerificationRequest, response=s.VerificationSentSchema, rate_limited=True,
          services=("registration",),
          description="Six digits, good for 10 minutes and 5 tries; one a minute per "
          "account, GATEWAY_SMS_RATE_LIMIT per account and per phone number. Answers the "
          "masked number, never the number. Without a mobile number on file: 409 "
          "NO_PHONE_ON_FILE."),
    Route("POST", "/auth/verification/confirm", "confirm_verification", (CANDIDATE,),
          verification.confirm, "The code sent to the phone on file: the account's person is "
          "verified from now on (and reaches what institutions registered for them)",
          "accounts", body=s.VerificationConfirm, response=s.VerifiedSchema,
          rate_limited=True),
    Route("GET", "/admin/accounts", "list_accounts", (PROVINCIAL,), accounts.list_accounts,
          "Every account", "accounts", query=s.AccountQuery, response=s.AccountSchema,
          many=True),
    Route("POST", "/admin/accounts", "create_account", (PROVINCIAL,), accounts.create_account,
          "A staff or institution-operator account", "accounts", body=s.NewAccountSchema,
          response=s.AccountSchema, status=201),
    Route("POST", "/admin/accounts/{username}/disable", "disable_account", (PROVINCIAL,),
          accounts.disable_account, "Disable an account (its tokens stop working)",
          "accounts", response=s.AccountSchema),

    # --- catalogue (public) --------------------------------------------------------------------
    Route("GET", "/projects", "list_projects", EVERYONE, registration.list_projects,
          "The projects, with their eligibility conditions", "catalogue", query=s.YearQuery,
          many=True, services=("registration",)),
    Route("GET", "/institutions", "list_institutions", EVERYONE,
          registration.list_institutions, "The registration institutions and their projects",
          "catalogue", many=True, services=("registration",)),
    Route("GET", "/batches", "list_batches", EVERYONE, registration.list_batches,
          "The batches (exam dates and their windows)", "catalogue", query=s.YearQuery,
          response=BatchSchema, many=True, services=("exam",)),
    Route("GET", "/batches/{batch_code}", "get_batch", EVERYONE, registration.get_batch,
          "One batch", "catalogue", response=BatchSchema, services=("exam",)),

    # --- materials and applications -------------------------------------------------------------
    Route("POST", "/materials", "upload_material", (CANDIDATE, INSTITUTION),
          files.upload_material, "Upload a photo (M1) or a scan (M2), base64; "
          "answers its hash", "applications", body=UploadRequest, response=s.UploadedSchema,
          status=201, services=("registration",)),
    Route("GET", "/materials/{hash}", "get_material", APPLICATION_READERS,
          files.get_material, "An uploaded file: to its uploader, to whoever may read an "
          "application holding it, and to the center's staff (others: 404, as unknown)",
          "applications", produces="application/octet-stream", services=("registration",)),
    Route("POST", "/applications", "apply", (CANDIDATE,), registration.apply,
          "A candidate applies for themselves (individual channel, R1-R3)", "applications",
          body=s.IndividualApplicationSchema, response=ApplicationSchema, status=201,
          services=("registration",)),
    Route("POST", "/applications/eligibility", "check_eligibility", (CANDIDATE, INSTITUTION),
          relay("registration", "check_eligibility", body=True),
          "The eligibility pre-check (申报条件) before submitting: met, not met or for the "
          "reviewer to judge (needs_review, 需人工审核), each check in the same three states; "
          "it refuses nothing (V1, E1-E10)", "applications",
          body=EligibilityBody, response=PrecheckSchema, services=("registration",)),
    Route("GET", "/applications", "my_applications", (CANDIDATE,),
          registration.my_applications, "The signed-in candidate's applications",
          "applications", response=ApplicationSchema, many=True, services=("registration",)),
    Route("GET", "/applications/{application_id}", "get_application", APPLICATION_READERS,
          registration.get_application, "One application with its timeline", "applications",
          response=ApplicationSchema, services=("registration",)),
    Route("POST", "/applications/{application_id}/resubmit", "resubmit",
          (CANDIDATE, INSTITUTION), registration.resubmit,
          "Correct and resubmit a returned application (V2)", "applications",
          body=s.ResubmitBody, response=ApplicationSchema, services=("registration",)),
    Route("POST", "/applications/{application_id}/withdraw", "withdraw",
          (CANDIDATE, INSTITUTION), registration.withdraw,
          "Withdraw an application (not after payment, B2)", "applications",
          body=s.WithdrawBody, response=ApplicationSchema, services=("registration",)),
    Route("POST", "/public/applications", "lookup_applications", EVERYONE, registration.lookup,
          "Status of a person's applications by ID number and name (rate-limited; in the "
          "body, never in a URL)", "public", body=s.PersonLookup, per_target="id_number",
          response=s.ApplicationStatusSchema, many=True, rate_limited=True,
          services=("registration",)),

    # --- institutions ------------------------------------------------------------------------------
    Route("GET", "/institutions/{institution_code}/applications", "institution_applications",
          (INSTITUTION, REVIEWER, PROVINCIAL), registration.institution_applications,
          "An institution's applications in a batch", "institutions",
          query=s.InstitutionApplicationsQuery, response=ApplicationSchema, many=True,
          services=("registration",)),
    Route("POST", "/institutions/{institution_code}/applications", "register_candidates",
          (INSTITUTION,), registration.register_candidates,
          "Register candidates in bulk (institution channel, I1/V1): one outcome each",
          "institutions", body=s.BulkApplicationsSchema, check=s.BulkApplicationsShape,
          response=s.BulkResultSchema, services=("registration",)),
    Route("GET", "/institutions/{institution_code}/roster", "roster",
          (INSTITUTION, REVIEWER, PROVINCIAL), registration.roster,
          "The roster (考核人员花名册) of a batch, CSV", "institutions", query=s.BatchQuery,
          produces="text/csv", services=("registration",)),

    # --- review (V1, V2) ----------------------------------------------------------------------------
    Route("GET", "/review/queue", "review_queue", REVIEWERS,
          relay("review", "list_pending", query=("batch_code", "project_code",
                                                 "institution_code", "stage", "limit",
                                                 "offset")),
          "Open review tasks, the earliest due first", "review", query=s.ReviewQueueQuery,
          services=("review",)),
    Route("GET", "/review/summary", "review_summary", REVIEWERS,
          relay("review", "queue_summary", query=("batch_code",)),
          "Open tasks counted by batch, project, institution and stage (V1)", "review",
          query=s.OptionalBatchQuery, many=True, services=("review",)),
    Route("GET", "/review/overdue", "review_overdue", REVIEWERS,
          relay("review", "list_overdue", query=("batch_code",)),
          "Tasks past their working-day deadline (V1)", "review", query=s.OptionalBatchQuery,
          many=True, services=("review",)),
    Route("GET", "/review/applications/{application_id}", "get_review", REVIEWERS,
          relay("review", "get_review", path=("application_id",)),
          "An application as the reviewer sees it", "review", services=("review",)),
    Route("POST", "/review/applications/{application_id}/decision", "decide", REVIEWERS,
          flows.decide, "Approve, reject or return one application (V2)", "review",
          body=DecisionBody, services=("review",)),
    Route("POST", "/review/applications/{application_id}/dishonesty", "record_dishonesty",
          REVIEWERS, relay("review", "record_dishonesty", path=("application_id",), body=True,
                           inject=flows.reviewer),
          "Record falsified material found in this application against the person (R4; "
          "2024: 不诚信行为): reviewers see it when the person applies again", "review",
          body=DishonestyBody, response=review.DishonestyRecordSchema, status=201,
          services=("review",)),
    Route("GET", "/review/applications/{application_id}/dishonesty", "dishonesty_of",
          REVIEWERS, relay("review", "dishonesty_of", path=("application_id",)),
          "The records of falsified material against this application's person (R4)",
          "review", response=review.DishonestyRecordSchema, many=True, services=("review",)),
    Route("POST", "/review/window/close", "close_review_window", REVIEWERS,
          relay("review", "close_review_window_now"),
          "Returned applications not resubmitted in the window: not accepted (V2)",
          "review", services=("review",)),
    Route("POST", "/review/decisions", "decide_many", REVIEWERS,
          relay("review", "decide_many", body=True, inject=flows.reviewer),
          "Many decisions at once, each with its own outcome (V2)", "review",
          body=DecisionsBody, services=("review",)),

    # --- payment (P1-P4) and reconciliation ------------------------------------------------------------
    Route("GET", "/payments/payee", "payee", ANY_ACCOUNT, relay("payment", "payee"),
          "The center's bank account to transfer to (P3)", "payment", services=("payment",)),
    Route("GET", "/payments/fees", "list_fees", EVERYONE,
          relay("payment", "list_fees", query=("project_code",)),
          "The fee of each project", "payment", query=s.ProjectQuery, many=True,
          services=("payment",)),
    Route("PUT", "/payments/fees", "set_fees", FINANCE_STAFF,
          relay("payment", "set_fees", body=True, actor="actor"),
          "Set the fee schedule", "payment", body=FeesBody, services=("payment",)),
    Route("GET", "/applications/{application_id}/payment", "get_payable",
          (CANDIDATE, INSTITUTION) + FINANCE_STAFF, flows.payable,
          "What is due for one approved application, and the proxy-payer note (P2)",
          "payment", services=("payment",)),
    Route("POST", "/applications/{application_id}/payment-slip", "issue_payment_slip",
          (FINANCE,), relay("payment", "issue_payment_slip", body=True,
                            path=("application_id",), actor="actor"),
          "Record the 三联单 the center's office issued to a 2024 individual (P2)", "payment",
          body=SlipBody, services=("payment",)),
    Route("POST", "/applications/{application_id}/payment", "pay", (CANDIDATE,), flows.pay,
          "A candidate submits their payment with the bank receipt (P2, P3)", "payment",
          body=IndividualPaymentBody, status=201, services=("payment",)),
    Route("POST", "/receipts", "upload_receipt", (CANDIDATE, INSTITUTION),
          files.upload_receipt,
          "Upload a bank receipt (image or PDF, M3); answers its hash", "payment",
          body=pay.UploadReceiptSchema, status=201, services=("payment",)),
    Route("GET", "/receipts/{hash}", "get_receipt", (CANDIDATE, INSTITUTION) + FINANCE_STAFF,
          files.get_receipt, "A bank receipt: to its uploader, to whoever may read an "
          "application it paid for, and to finance (others: 404, as unknown)",
          "payment", produces=FILE, services=("payment",)),
    Route("GET", "/institutions/{institution_code}/payment-order", "payment_order",
          (INSTITUTION,) + FINANCE_STAFF,
          relay("payment", "payment_order", path=("institution_code",),
                query=("batch_code",)),
          "What an institution transfers for its approved candidates of a batch (P1)",
          "payment", query=s.BatchQuery, services=("payment",)),
    Route("POST", "/institutions/{institution_code}/payments", "pay_for_candidates",
          (INSTITUTION,), files.pay_for_candidates,
          "An institution submits one transfer for many candidates (P1)", "payment",
          body=InstitutionPaymentBody, status=201, services=("payment",)),
    Route("GET", "/payments/items", "payment_items", (INSTITUTION,) + FINANCE_STAFF,
          relay("payment", "list_items", query=("batch_code", "status", "institution_code")),
          "Payable applications of a batch", "payment", query=s.ItemsQuery, many=True,
          services=("payment",)),
    Route("GET", "/payments/submissions", "list_submissions", (INSTITUTION,) + FINANCE_STAFF,
          relay("payment", "list_submissions",
                query=("batch_code", "status", "institution_code")),
          "Payment submissions", "payment", query=s.SubmissionsQuery, many=True,
          services=("payment",)),
    Route("GET", "/payments/submissions/{submission_id}", "get_submission",
          (INSTITUTION,) + FINANCE_STAFF, flows.submission, "One payment submission",
          "payment", services=("payment",)),
    Route("POST", "/payments/submissions/{submission_id}/confirm", "confirm_submission",
          (FINANCE,), relay("payment", "confirm_submission", body=True,
                            path=("submission_id",), actor="actor"),
          "Confirm a payment (确认收费); locks the registrations (B2)", "payment",
          body=ConfirmBody, services=("payment",)),
    Route("POST", "/payments/submissions/{submission_id}/reject", "reject_submission",
          (FINANCE,), relay("payment", "reject_submission", body=True,
                            path=("submission_id",), actor="actor"),
          "Refuse a payment with a reason", "payment", body=RejectBody,
          services=("payment",)),
    Route("POST", "/payments/windows/close", "close_payment_window", FINANCE_STAFF,
          relay("payment", "close_payment_window_now"),
          "Applications unpaid after their payment window are abandoned (P4); also hourly",
          "payment", services=("payment",)),
    Route("GET", "/payments/refunds", "list_refunds", FINANCE_STAFF,
          relay("payment", "list_refunds", query=("batch_code", "project_code", "status")),
          "Refunds due (cancelled batches)", "payment", query=s.RefundsQuery, many=True,
          services=("payment",)),
    Route("POST", "/payments/refunds", "record_refund", (FINANCE,),
          relay("payment", "record_refund", body=True, actor="actor"), "Record a refund",
          "payment", body=RefundBody, services=("payment",)),
    Route("POST", "/payments/statements", "import_statement", (FINANCE,),
          relay("payment", "import_statement", body=True, actor="actor"),
          "Import a bank statement (CSV) and reconcile it", "reconciliation",
          body=StatementBody, services=("payment",)),
    Route("POST", "/payments/reconcile", "reconcile", (FINANCE,),
          relay("payment", "reconcile"), "Match unmatched bank credits again",
          "reconciliation", services=("payment",)),
    Route("POST", "/payments/credits/match", "match_credit", (FINANCE,),
          relay("payment", "match_credit", body=True, actor="actor"),
          "Match a bank credit to submissions by hand", "reconciliation", body=MatchBody,
          services=("payment",)),
    Route("GET", "/payments/credits", "list_credits", FINANCE_STAFF,
          relay("payment", "list_credits", query=("status", "limit")),
          "Bank statement credits", "reconciliation", query=s.CreditsQuery, many=True,
          services=("payment",)),
    Route("GET", "/payments/reconciliation", "reconciliation_report", FINANCE_STAFF,
          relay("payment", "reconciliation_report", query=("batch_code",)),
          "Reconciliation of a batch: expected, submitted, confirmed, credited",
          "reconciliation", query=s.BatchQuery, services=("payment",)),

    # --- exam: batches, rosters, rooms, arrangement, tickets, scores, publication -------------------------
    Route("POST", "/batches", "schedule_batch", EXAM_STAFF,
          relay("exam", "schedule_batch", body=True), "Schedule a batch", "exam",
          body=BatchSchema, response=BatchSchema, status=201, services=("exam",)),
    Route("GET", "/exam/batches/{batch_code}/roster", "exam_roster", EXAM_STAFF,
          relay("exam", "get_roster", path=("batch_code",), query=("project_code",)),
          "Confirmed candidates of a batch by project (B1)", "exam", query=s.ProjectQuery,
          services=("exam",)),
    Route("GET", "/batches/{batch_code}/registrants", "registrant_counts",
          EXAM_STAFF + (REVIEWER,), relay("registration", "registrant_counts",
                                          path=("batch_code",)),
          "报名人数 per project of a batch (B1: submitted and not withdrawn, rejected, not "
          "accepted, abandoned or cancelled) and whether it reaches 10", "exam",
          response=RegistrantCountsSchema, services=("registration",)),
    Route("POST", "/exam/minimum-overrides", "override_minimum", EXAM_STAFF,
          relay("exam", "override_minimum", body=True, actor="actor"),
          "Hold a project with fewer than 10 candidates anyway (B1)", "exam",
          body=OverrideBody, services=("exam",)),
    Route("GET", "/exam/candidates/{application_id}", "exam_candidate",
          (CANDIDATE, INSTITUTION) + EXAM_STAFF, flows.exam_candidate,
          "A candidate's exam record: seat, ticket, attendance, result", "exam",
          services=("exam",)),
    Route("GET", "/exam/rooms", "list_rooms", EXAM_STAFF, relay("exam", "list_rooms"),
          "Exam rooms", "exam", many=True, services=("exam",)),
    Route("POST", "/exam/rooms", "save_room", EXAM_STAFF, relay("exam", "save_room", body=True),
          "Add or change an exam room (T3)", "exam", body=exam.RoomSchema,
          services=("exam",)),
    Route("GET", "/exam/batches/{batch_code}/sessions", "get_sessions", EXAM_STAFF,
          relay("exam", "get_sessions", path=("batch_code",)), "A batch's sessions", "exam",
          services=("exam",)),
    Route("PUT", "/exam/batches/{batch_code}/sessions", "set_sessions", EXAM_STAFF,
          flows.set_sessions, "Set a batch's sessions (morning, afternoon)", "exam",
          body=exam.SessionsSchema, services=("exam",)),
    Route("POST", "/exam/batches/{batch_code}/arrangement", "arrange", EXAM_STAFF,
          relay("exam", "arrange", body=True, path=("batch_code",)),
          "Seat the confirmed candidates (T3) and number the tickets", "exam",
          body=ArrangeBody, services=("exam",)),
    Route("GET", "/exam/batches/{batch_code}/arrangement", "get_arrangement", EXAM_STAFF,
          relay("exam", "get_arrangement", path=("batch_code",),
                query=("session_code", "room_code")),
          "The seating of a batch", "exam", query=s.PlaceQuery, services=("exam",)),
    Route("POST", "/exam/batches/{batch_code}/dispatch", "dispatch_assessors", EXAM_STAFF,
          relay("exam", "dispatch_assessors", body=True, path=("batch_code",)),
          "Three assessors per session and room (T4)", "exam",
          body=DispatchBody, services=("exam",)),
    Route("GET", "/exam/batches/{batch_code}/dispatch", "get_dispatch", EXAM_STAFF,
          relay("exam", "get_dispatch", path=("batch_code",)), "The assessor dispatch",
          "exam", services=("exam",)),
    Route("GET", "/tickets", "my_tickets", (CANDIDATE,), flows.my_ticket,
          "The signed-in candidate's admission tickets, PDF (T1: in the ticket window)",
          "tickets", produces=PDF, services=("exam",)),
    Route("POST", "/public/tickets", "download_ticket", EVERYONE,
          relay("exam", "download_ticket", query=("id_number", "name"), file=True,
                args_from="body"),
          "An individual candidate's ticket by ID number and name, PDF (T1; rate-limited; "
          "in the body, never in a URL)", "public", body=s.PersonLookup, per_target="id_number",
          produces=PDF, rate_limited=True,
          services=("exam",)),
    Route("GET", "/institutions/{institution_code}/tickets", "institution_tickets",
          (INSTITUTION,) + EXAM_STAFF, flows.institution_tickets,
          "All of an institution's tickets of a batch in one PDF (T1)", "tickets",
          query=s.BatchQuery, produces=PDF, services=("exam",)),
    Route("GET", "/exam/batches/{batch_code}/ticket-prints", "ticket_prints", EXAM_STAFF,
          relay("exam", "ticket_prints", path=("batch_code",)),
          "Who printed tickets, and when", "tickets", services=("exam",)),
    Route("POST", "/exam/check-in", "check_in", EXAM_STAFF,
          relay("exam", "check_in", body=True, actor="staff"),
          "Check a candidate in with the ticket and a valid ID (T2)", "exam",
          body=CheckInBody, services=("exam",)),
    Route("POST", "/exam/batches/{batch_code}/computer-scores", "import_computer_scores",
          EXAM_STAFF, relay("exam", "import_computer_scores", body=True, path=("batch_code",),
                            actor="recorded_by"),
          "Import the computer-based scores of a session (CSV)", "scores",
          body=ComputerScoresBody, services=("exam",)),
    Route("POST", "/exam/batches/{batch_code}/practical-scores", "record_practical_scores",
          EXAM_STAFF, relay("exam", "record_practical_scores", body=True,
                            path=("batch_code",)),
          "One assessor's practical scores for a room (T4)", "scores",
          body=PracticalScoresBody, services=("exam",)),
    Route("POST", "/exam/batches/{batch_code}/verifications", "verify_scores", EXAM_STAFF,
          relay("exam", "verify_scores", body=True, path=("batch_code",), actor="checker"),
          "The score checker (核分员, not an assessor of the session) checks a room's "
          "score summary and names its stamped scan (T4)", "scores", body=VerifyBody,
          services=("exam",)),
    Route("POST", "/exam/batches/{batch_code}/score-summaries", "total_scores", EXAM_STAFF,
          relay("exam", "total_scores", body=True, path=("batch_code",), actor="recorder"),
          "The recorder totals a room's scores under the overseer's eye (成绩汇总, T4)",
          "scores", body=TotalBody, services=("exam",)),
    Route("GET", "/exam/batches/{batch_code}/score-summaries/{session_code}/{room_code}",
          "get_score_summary", EXAM_STAFF,
          relay("exam", "get_score_summary", path=("batch_code", "session_code", "room_code")),
          "A room's score summary: totalled, checked, archived (T4)", "scores",
          services=("exam",)),
    Route("GET", "/exam/batches/{batch_code}/score-summaries/{session_code}/{room_code}/xlsx",
          "export_score_summary", EXAM_STAFF,
          relay("exam", "export_score_summary",
                path=("batch_code", "session_code", "room_code"), file=True),
          "The 成绩汇总表 of a room as an .xlsx template (T4)", "scores", produces=XLSX,
          services=("exam",)),
    Route("POST", "/exam/summary-scans", "upload_summary_scan", EXAM_STAFF,
          relay("exam", "upload_summary_scan", body=True),
          "Upload the stamped, signed score summary's scan (JPG, PNG or PDF); answers its "
          "hash (T4)", "scores", body=exam.SummaryScanSchema, status=201, services=("exam",)),
    Route("POST", "/exam/batches/{batch_code}/score-summaries/archive",
          "archive_score_summary", EXAM_STAFF,
          relay("exam", "archive_score_summary", body=True, path=("batch_code",),
                actor="archived_by"),
          "The checked paper score summary is archived (T4)", "scores",
          body=ArchiveSummaryBody, services=("exam",)),
    Route("GET", "/exam/batches/{batch_code}/sessions/{session_code}", "get_session",
          EXAM_STAFF, relay("exam", "get_session", path=("batch_code", "session_code")),
          "A session's details: its supervisor, supervision record, assessors' meeting and "
          "score summaries (T4)", "exam", services=("exam",)),
    Route("PUT", "/exam/batches/{batch_code}/sessions/{session_code}/supervisor",
          "assign_supervisor", EXAM_STAFF,
          relay("exam", "assign_supervisor", body=True, path=("batch_code", "session_code"),
                actor="assigned_by"),
          "The center dispatches a quality supervisor (质量督导员) to a session (T4)", "exam",
          body=SupervisorBody, services=("exam",)),
    Route("POST", "/exam/batches/{batch_code}/sessions/{session_code}/supervision",
          "record_supervision", EXAM_STAFF,
          relay("exam", "record_supervision", body=True, path=("batch_code", "session_code")),
          "The supervisor's signed record of the session (T4; no certificate without it)",
          "exam", body=SupervisionBody, services=("exam",)),
    Route("PUT", "/exam/batches/{batch_code}/sessions/{session_code}/meeting",
          "record_assessor_meeting", EXAM_STAFF,
          relay("exam", "record_assessor_meeting", body=True,
                path=("batch_code", "session_code"), actor="recorded_by"),
          "The assessors' meeting before the session (考评工作会, T4)", "exam",
          body=MeetingBody, services=("exam",)),
    Route("GET", "/exam/batches/{batch_code}/scores", "get_scores", EXAM_STAFF,
          relay("exam", "get_scores", path=("batch_code",),
                query=("session_code", "room_code")),
          "Score sheets of a batch", "scores", query=s.PlaceQuery, services=("exam",)),
    Route("POST", "/exam/rosters/close", "close_rosters", EXAM_STAFF,
          relay("exam", "close_rosters_now"),
          "Decide the rosters of batches whose payment window ended (B1); also daily",
          "exam", services=("exam",)),
    Route("POST", "/exam/no-shows", "mark_no_shows", EXAM_STAFF,
          relay("exam", "mark_no_shows_now"),
          "Mark who did not check in on an exam day that is over; also daily", "exam",
          services=("exam",)),
    Route("POST", "/exam/publication", "run_publication", EXAM_STAFF,
          relay("exam", "run_publication_now"),
          "Publish the results due (T5) and finalize those whose period ended", "scores",
          services=("exam",)),
    Route("GET", "/public/results/{batch_code}", "public_results", EVERYONE,
          relay("exam", "public_results", path=("batch_code",)),
          "The published results of a batch (成绩公示, T5)", "public", services=("exam",)),
    Route("POST", "/public/objections", "lodge_objection", EVERYONE,
          relay("exam", "lodge_objection", body=True),
          "Object to a published result (T5; rate-limited)", "public",
          body=exam.ObjectionSchema, per_target="id_number", status=201,
          rate_limited=True, services=("exam",)),
    Route("GET", "/exam/batches/{batch_code}/objections", "list_objections", EXAM_STAFF,
          relay("exam", "list_objections", path=("batch_code",)), "Objections of a batch",
          "scores", many=True, services=("exam",)),
    Route("POST", "/exam/objections/{objection_id}/resolution", "resolve_objection",
          EXAM_STAFF, relay("exam", "resolve_objection", body=True, path=("objection_id",),
                            actor="actor"),
          "Dismiss an objection or correct the score", "scores", body=ResolveBody,
          services=("exam",)),

    # --- certificates (C1-C4) ---------------------------------------------------------------------------
    Route("GET", "/certificates", "my_certificates", (CANDIDATE,), flows.my_certificates,
          "The signed-in candidate's certificates", "certificates", many=True,
          services=("certificate",)),
    Route("GET", "/certificates/{certificate_number}/pdf", "my_certificate_pdf",
          (CANDIDATE,), flows.my_certificate_pdf,
          "Download one's e-certificate, PDF (C3)", "certificates", produces=PDF,
          services=("certificate",)),
    Route("GET", "/certificates/{certificate_number}/credential", "my_certificate_credential",
          (CANDIDATE,), credentials.my_credential,
          "Download one's e-certificate as a verifiable credential, .json (C3, #19)",
          "certificates", services=("certificate",)),
    Route("GET", "/public/certificates/{certificate_number}", "verify_certificate", EVERYONE,
          relay("certificate", "verify_number", path=("certificate_number",)),
          "Is this certificate genuine and valid (C2; rate-limited)", "public",
          rate_limited=True, per_target="certificate_number", services=("certificate",)),
    Route("GET", "/certificates/verify", "verify_qr_link", EVERYONE,
          relay("certificate", "verify_qr", query=("p",), inject=lambda ctx: {
              "payload": ctx.query["p"]}, drop=("p",)),
          "Where a certificate's QR code leads: its verdict (C2; rate-limited)", "public",
          query=s.QrQuery, rate_limited=True, services=("certificate",)),
    Route("POST", "/public/certificates/verify-qr", "verify_qr", EVERYONE,
          relay("certificate", "verify_qr", inject=lambda ctx: {"payload":
                                                                ctx.body["payload"]}),
          "Verify the QR code of a certificate (C2; rate-limited)", "public", body=s.QrBody,
          rate_limited=True, services=("certificate",)),
    Route("POST", "/public/certificates/verify-pdf", "verify_pdf", EVERYONE,
          relay("certificate", "verify_pdf",
                inject=lambda ctx: {"content_base64": ctx.body["content_base64"]}),
          "Verify an e-certificate PDF (C2, C3; rate-limited)", "public", body=s.PdfBody,
          rate_limited=True, services=("certificate",)),
    Route("POST", "/public/certificates", "find_certificates", EVERYONE,
          relay("certificate", "find_certificates", query=("id_number", "name"),
                args_from="body"),
          "A person's certificates by ID number and name (C1; rate-limited; in the body, "
          "never in a URL)", "public", body=s.PersonLookup, per_target="id_number",
          many=True, rate_limited=True, services=("certificate",)),
    Route("GET", "/public/certificate-keys", "certificate_keys", EVERYONE,
          relay("certificate", "public_keys"),
          "The keys that sign certificates (offline verification)", "public",
          services=("certificate",)),
    Route("GET", "/public/certificate-status", "certificate_status", EVERYONE,
          relay("certificate", "status_list"), "Revoked certificates (offline verification)",
          "public", services=("certificate",)),
    # verifiable credentials (#19): did:web:<domain>:api:credentials resolves to
    # /api/credentials/did.json; docs/certificate.md
    Route("GET", "/credentials/did.json", "credential_issuer_did", EVERYONE,
          credentials.did_document, "The issuer's DID document: every key that signs "
          "credentials, as Multikey (C2)", "public", produces="application/did+json",
          services=("certificate",)),
    Route("GET", "/credentials/status/{list_id}", "credential_status_list", EVERYONE,
          credentials.status_list, "A signed Bitstring Status List credential (revocation; "
          "Cache-Control, ETag)", "public", services=("certificate",)),
    Route("GET", "/credentials/contexts/certificate/v1", "credential_context", EVERYONE,
          credentials.context, "SkillCert's JSON-LD context of the certificate's fields",
          "public", produces="application/ld+json", services=("certificate",)),
    Route("GET", "/public/credentials/{certificate_number}", "certificate_credential",
          EVERYONE, relay("certificate", "get_credential", path=("certificate_number",)),
          "A certificate's verifiable credential, W3C VC 2.0 (C2; rate-limited)", "public",
          rate_limited=True, per_target="certificate_number", services=("certificate",)),
    Route("GET", "/public/credentials/cards/{card_number}", "assessor_card_credential",
          EVERYONE, relay("certificate", "get_card_credential", path=("card_number",)),
          "An assessor card's verifiable credential, W3C VC 2.0 (A6; rate-limited)", "public",
          rate_limited=True, per_target="card_number", services=("certificate",)),
    Route("GET", "/admin/certificates", "list_certificates", (INSTITUTION,) + CERTIFICATE_STAFF,
          relay("certificate", "list_certificates",
                query=("batch_code", "institution_code", "status")),
          "Certificates of a batch", "certificates", query=s.CertificatesQuery, many=True,
          services=("certificate",)),
    Route("GET", "/admin/certificates/{certificate_number}", "get_certificate",
          CERTIFICATE_STAFF, relay("certificate", "get_certificate",
                                   path=("certificate_number",)),
          "One certificate with its status", "certificates", services=("certificate",)),
    Route("POST", "/admin/certificates/{certificate_number}/revoke", "revoke_certificate",
          CERTIFICATE_STAFF, relay("certificate", "revoke_certificate", body=True,
                                   path=("certificate_number",), actor="actor"),
          "Revoke a certificate", "certificates", body=RevokeBody,
          services=("certificate",)),
    Route("POST", "/admin/print-batches", "create_print_batch", CERTIFICATE_STAFF,
          relay("certificate", "create_print_batch", body=True, actor="actor"),
          "Print the paper certificates of a batch (C4)", "certificates",
          body=PrintBatchBody, status=201, services=("certificate",)),
    Route("GET", "/admin/print-batches", "list_print_batches", CERTIFICATE_STAFF,
          relay("certificate", "list_print_batches", query=("batch_code",)),
          "Print batches of an exam batch", "certificates", query=s.BatchQuery, many=True,
          services=("certificate",)),
    Route("POST", "/admin/collections/institution", "record_institution_collection",
          CERTIFICATE_STAFF, relay("certificate", "record_institution_collection",
                                   body=True, actor="actor"),
          "An institution collects its candidates' paper certificates (C4)",
          "certificates", body=InstitutionCollectionBody, services=("certificate",)),
    Route("POST", "/admin/collections/individual", "record_individual_collection",
          CERTIFICATE_STAFF, relay("certificate", "record_individual_collection",
                                   body=True, actor="actor"),
          "A holder collects their paper certificate in person (C4)", "certificates",
          body=IndividualCollectionBody, services=("certificate",)),
    Route("POST", "/institutions/{institution_code}/handovers", "record_handover",
          (INSTITUTION,), relay("certificate", "record_institution_handover", body=True,
                                path=("institution_code",), actor="actor"),
          "The institution hands a paper certificate to its holder (C4 ledger)",
          "certificates", body=HandoverBody, services=("certificate",)),
    Route("GET", "/admin/certificates/{certificate_number}/ledger", "certificate_ledger",
          CERTIFICATE_STAFF, relay("certificate", "certificate_ledger",
                                   path=("certificate_number",)),
          "Where a paper certificate went (证书台账)", "certificates",
          services=("certificate",)),

    # --- assessor training (A1-A7) -----------------------------------------------------------------------
    Route("GET", "/assessor/periods", "list_periods", EVERYONE,
          relay("assessor_training", "list_periods"), "Training periods", "assessors",
          many=True, services=("assessor_training",)),
    Route("GET", "/assessor/periods/{period_code}", "get_period", EVERYONE,
          relay("assessor_training", "get_period", path=("period_code",)),
          "One training period: windows, review deadlines, study hours", "assessors",
          services=("assessor_training",)),
    Route("POST", "/assessor/periods", "schedule_period", (PROVINCIAL,),
          relay("assessor_training", "schedule_period", body=True),
          "Schedule a training period (A1)", "assessors", body=training.PeriodSchema,
          status=201, services=("assessor_training",)),
    Route("GET", "/assessor/units", "list_units", (PROVINCIAL, MUNICIPAL),
          relay("assessor_training", "list_units", query=("standing",)),
          "Recommending units and their standing (A7)", "assessors", query=s.StandingQuery,
          many=True, services=("assessor_training",)),
    Route("GET", "/assessor/recommending-units", "recommending_units", ANY_ACCOUNT,
          flows.recommending_units, "The recommending units an applicant can name (code, "
          "name, kind, region; A2)", "assessors", many=True, services=("assessor_training",)),
    Route("GET", "/assessor/projects", "assessor_projects", EVERYONE,
          relay("assessor_training", "list_projects"),
          "The projects an assessor can be trained for, with their type (A4: at most 3 of "
          "one type)", "assessors", many=True, services=("assessor_training",)),
    Route("POST", "/assessor/units", "save_unit", (PROVINCIAL,),
          relay("assessor_training", "save_unit", body=True),
          "Add or change a recommending unit (A2)", "assessors", body=training.UnitSchema,
          services=("assessor_training",)),
    Route("POST", "/assessor/materials", "upload_assessor_material", (CANDIDATE,),
          relay("assessor_training", "upload_material", body=True),
          "Upload an applicant's photo or scan; answers its hash", "assessors",
          body=UploadRequest, status=201, services=("assessor_training",)),
    Route("POST", "/assessor/applications", "apply_as_assessor", (CANDIDATE,),
          flows.apply_as_assessor, "Apply for assessor training (A2-A4)", "assessors",
          body=training.ApplicationSchema, status=201, services=("assessor_training",)),
    Route("GET", "/assessor/applications", "assessor_applications",
          (INSTITUTION, MUNICIPAL, PROVINCIAL), flows.assessor_applications,
          "Applications of a period (a unit: its own; a municipal center: its region)",
          "assessors", query=s.AssessorApplicationsQuery, many=True,
          services=("assessor_training",)),
    Route("GET", "/assessor/applications/{application_id}", "assessor_application",
          (CANDIDATE, INSTITUTION, MUNICIPAL, PROVINCIAL), flows.assessor_application,
          "One assessor application with its review chain", "assessors",
          services=("assessor_training",)),
    Route("POST", "/assessor/applications/{application_id}/reviews", "review_assessor",
          (INSTITUTION, MUNICIPAL, PROVINCIAL), flows.assessor_review,
          "The unit, municipal or provincial step of the review chain (A1)", "assessors",
          body=AssessorReviewBody, services=("assessor_training",)),
    Route("POST", "/assessor/applications/{application_id}/study", "record_study",
          (PROVINCIAL,), relay("assessor_training", "record_study_hours", body=True,
                               path=("application_id",)),
          "Record study hours (A5)", "assessors", body=StudyBody,
          services=("assessor_training",)),
    Route("GET", "/assessor/periods/{period_code}/exam-roster", "assessor_exam_roster",
          (PROVINCIAL,), relay("assessor_training", "exam_roster", path=("period_code",)),
          "Who may sit the training exam (A5)", "assessors",
          services=("assessor_training",)),
    Route("POST", "/assessor/applications/{application_id}/exam-score", "record_exam_score",
          (PROVINCIAL,), relay("assessor_training", "record_exam_score", body=True,
                               path=("application_id",)),
          "Record the training exam's score; a pass issues the card (A6)", "assessors",
          body=ExamScoreBody, services=("assessor_training",)),
    Route("POST", "/assessor/sittings", "plan_assessor_sittings", (PROVINCIAL,),
          relay("assessor_training", "plan_sittings", body=True),
          "Seat the trainees who may sit the exam in sittings of 90 minutes (A1 分批组织考试)",
          "assessors", body=training.SittingPlanSchema, services=("assessor_training",)),
    Route("GET", "/assessor/periods/{period_code}/sittings", "assessor_sittings", (PROVINCIAL,),
          relay("assessor_training", "list_sittings", path=("period_code",)),
          "The exam's sittings of a period with their trainees (A1)", "assessors",
          services=("assessor_training",)),
    Route("POST", "/assessor/findings", "record_assessor_finding", (PROVINCIAL,),
          relay("assessor_training", "record_finding", body=True, actor="recorded_by"),
          "Record a finding against a unit or a municipal center (A7)", "assessors",
          body=training.FindingSchema, services=("assessor_training",)),
    Route("POST", "/assessor/unit-notices", "name_assessor_unit", (PROVINCIAL,),
          relay("assessor_training", "name_unit", body=True, actor="named_by"),
          "通报 a unit; its recommendations are no longer accepted (A7)", "assessors",
          body=training.UnitNoticeSchema, services=("assessor_training",)),
    Route("GET", "/assessor/periods/{period_code}/municipal-records",
          "assessor_municipal_records", (PROVINCIAL,),
          relay("assessor_training", "municipal_records", path=("period_code",)),
          "Municipal centers that let ineligible applicants through, and their places (A7)",
          "assessors", many=True, services=("assessor_training",)),
    Route("POST", "/assessor/municipal-places", "set_assessor_municipal_places",
          (PROVINCIAL,), relay("assessor_training", "set_municipal_places", body=True,
                               actor="decided_by"),
          "Reduce a municipal center's places in a period (A7 减少参培人员名额)", "assessors",
          body=training.MunicipalPlacesSchema, services=("assessor_training",)),
    Route("GET", "/assessor/my-applications", "my_assessor_applications", (CANDIDATE,),
          flows.my_assessor_applications, "The signed-in person's own assessor applications "
          "with their review chain (A1)", "assessors", many=True,
          services=("assessor_training",)),
    Route("GET", "/assessor/my-cards", "my_cards", (CANDIDATE,), flows.my_cards,
          "The signed-in person's assessor cards", "assessors", many=True,
          services=("assessor_training",)),
    Route("GET", "/public/assessor-cards/{card_number}", "verify_card", EVERYONE,
          relay("assessor_training", "verify_card", path=("card_number",),
                query=("on_date",)),
          "Is this assessor card valid (on a date; rate-limited)", "public",
          query=s.OnDateQuery, rate_limited=True, services=("assessor_training",)),
    Route("POST", "/assessor/cards/{card_number}/renew", "renew_card", (PROVINCIAL,),
          relay("assessor_training", "renew_card", body=True, path=("card_number",),
                actor="reviewer"),
          "Renew an assessor card for three more years (A6)", "assessors", body=RenewBody,
          services=("assessor_training",)),
    Route("POST", "/assessor/cards/{card_number}/revoke", "revoke_card", (PROVINCIAL,),
          relay("assessor_training", "revoke_card", body=True, path=("card_number",),
                actor="actor"),
          "Revoke an assessor card", "assessors", body=CardRevokeBody,
          services=("assessor_training",)),
    Route("GET", "/assessor/valid-assessors", "valid_assessors", EXAM_STAFF,
          relay("assessor_training", "valid_assessors", query=("project_code", "on_date")),
          "Assessors with a valid card for a project (T4 dispatch)", "assessors",
          query=s.ValidAssessorsQuery, many=True, services=("assessor_training",)),
)

BY_NAME = {route.name: route for route in ROUTES}
assert len(BY_NAME) == len(ROUTES), "operation names must be unique"
assert all(set(r.roles) <= set(domain.ROLES) for r in ROUTES)
