package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/api"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/scim"
	"github.com/mentorvault/mentorvault/internal/web"
)

// apiRoute is one route of the JSON API; the OpenAPI document must describe
// exactly these (a test checks).
type apiRoute struct {
	Method, Path string
	h            httpx.HandlerFunc
}

// apiRoutes lists every route of the JSON API.
func apiRoutes(a *api.Handler) []apiRoute {
	rs := []apiRoute{
		{"GET", "/api/v1/me", a.Me},
		{"GET", "/api/v1/me/email", a.EmailSettings},
		{"PUT", "/api/v1/me/email", a.UpdateEmailSettings},
		{"PUT", "/api/v1/me/password", a.ChangePassword},
		{"GET", "/api/v1/directory", a.Directory},
		{"GET", "/api/v1/relationships", a.MyRelationships},
		{"POST", "/api/v1/relationships", a.Propose},
		{"GET", "/api/v1/relationships/{id}", a.Relationship},
		{"GET", "/api/v1/relationships/{id}/notes", a.ListNotes},
		{"POST", "/api/v1/relationships/{id}/notes", a.CreateNote},
		{"GET", "/api/v1/relationships/{id}/notes/{noteID}", a.ReadNote},
		{"PATCH", "/api/v1/relationships/{id}/notes/{noteID}", a.UpdateNote},
		{"DELETE", "/api/v1/relationships/{id}/notes/{noteID}", a.DeleteNote},
		{"GET", "/api/v1/relationships/{id}/audit", a.Audit},
		{"GET", "/api/v1/relationships/{id}/agreement", a.Agreement},
		{"GET", "/api/v1/relationships/{id}/agreement/status", a.AgreementStatus},
		{"POST", "/api/v1/relationships/{id}/agreement/drafts", a.StartDraft},
		{"PUT", "/api/v1/relationships/{id}/agreement/versions/{versionID}", a.UpdateDraft},
		{"POST", "/api/v1/relationships/{id}/agreement/versions/{versionID}/sign", a.Sign},
		{"POST", "/api/v1/relationships/{id}/agreement/guidelines/{version}/read", a.ConfirmGuidelines},
		{"GET", "/api/v1/relationships/{id}/agreement/versions/{versionID}/verify", a.Verify},
		{"GET", "/api/v1/relationships/{id}/agreement/versions/{versionID}/diff", a.Diff},
		{"POST", "/api/v1/relationships/{id}/agreement/versions/{versionID}/comments", a.Comment},
		{"GET", "/api/v1/relationships/{id}/agreement/versions/{versionID}/export", a.Export},
		{"GET", "/api/v1/relationships/{id}/export", a.RelationshipExport},
		{"GET", "/api/v1/relationships/{id}/reviews", a.Reviews},
		{"POST", "/api/v1/relationships/{id}/reviews", a.RecordReview},
		{"GET", "/api/v1/agreement-presets", a.Presets},
		{"GET", "/api/v1/programmes", a.Programmes},
		{"POST", "/api/v1/programmes", a.CreateProgramme},
		{"GET", "/api/v1/programmes/{id}", a.Programme},
		{"PATCH", "/api/v1/programmes/{id}", a.UpdateProgramme},
		{"PUT", "/api/v1/programmes/{id}/staff", a.SetProgrammeStaff},
		{"GET", "/api/v1/programmes/{id}/enrolment", a.MyEnrolment},
		{"PUT", "/api/v1/programmes/{id}/enrolment", a.Enrol},
		{"DELETE", "/api/v1/programmes/{id}/enrolment", a.WithdrawEnrolment},
		{"GET", "/api/v1/programmes/{id}/enrolments", a.Enrolments},
		{"PUT", "/api/v1/programmes/{id}/settings", a.UpdateProgrammeSettings},
		{"POST", "/api/v1/programmes/{id}/guidelines", a.PublishGuidelines},
		{"GET", "/api/v1/programmes/{id}/guidelines/{version}", a.Guidelines},
		{"GET", "/api/v1/relationships/{id}/meetings", a.Meetings},
		{"POST", "/api/v1/relationships/{id}/meetings", a.ScheduleMeeting},
		{"GET", "/api/v1/relationships/{id}/meetings/{meetingID}", a.Meeting},
		{"PUT", "/api/v1/relationships/{id}/meetings/{meetingID}", a.RescheduleMeeting},
		{"POST", "/api/v1/relationships/{id}/meetings/{meetingID}/cancel", a.CancelMeeting},
		{"POST", "/api/v1/relationships/{id}/meetings/{meetingID}/outcome", a.MeetingOutcome},
		{"POST", "/api/v1/relationships/{id}/meetings/{meetingID}/start", a.StartMeeting},
		{"POST", "/api/v1/relationships/{id}/meetings/{meetingID}/reminder-ack", a.AckReminder},
		{"POST", "/api/v1/relationships/{id}/meetings/{meetingID}/notes", a.MeetingNote},
		{"GET", "/api/v1/relationships/{id}/meetings/{meetingID}/ics", a.MeetingICS},
		{"GET", "/api/v1/relationships/{id}/commitments", a.Commitments},
		{"POST", "/api/v1/relationships/{id}/commitments", a.CreateCommitment},
		{"PATCH", "/api/v1/relationships/{id}/commitments/{commitmentID}", a.UpdateCommitment},
		{"GET", "/api/v1/relationships/{id}/goals", a.Goals},
		{"POST", "/api/v1/relationships/{id}/goals", a.CreateGoal},
		{"POST", "/api/v1/relationships/{id}/goals/{goalID}/progress", a.GoalProgress},
		{"GET", "/api/v1/relationships/{id}/feedback", a.Feedback},
		{"POST", "/api/v1/relationships/{id}/feedback", a.RequestFeedback},
		{"POST", "/api/v1/relationships/{id}/feedback/{requestID}/answer", a.AnswerFeedback},
		{"GET", "/api/v1/programmes/{id}/feedback", a.FeedbackAggregates},
		{"GET", "/api/v1/programmes/{id}/overview", a.ProgrammeOverview},
		{"GET", "/api/v1/programmes/{id}/dashboard", a.ProgrammeDashboard},
		{"GET", "/api/v1/notifications", a.Notifications},
		{"POST", "/api/v1/notifications/read", a.MarkNotificationsRead},
		{"GET", "/api/v1/calendar-feeds", a.CalendarFeeds},
		{"POST", "/api/v1/calendar-feeds", a.CreateCalendarFeed},
		{"DELETE", "/api/v1/calendar-feeds/{feedID}", a.RevokeCalendarFeed},
		{"GET", "/api/v1/relationships/{id}/concerns", a.Concerns},
		{"POST", "/api/v1/relationships/{id}/concerns", a.RaiseConcern},
		{"GET", "/api/v1/relationships/{id}/concerns/{concernID}", a.Concern},
		{"POST", "/api/v1/relationships/{id}/concerns/{concernID}/steps", a.ConcernStep},
		{"POST", "/api/v1/relationships/{id}/concerns/{concernID}/plans", a.ProposePlan},
		{"POST", "/api/v1/relationships/{id}/concerns/{concernID}/notices", a.FileNotice},
		{"POST", "/api/v1/relationships/{id}/concerns/{concernID}/close", a.CloseConcern},
		{"POST", "/api/v1/relationships/{id}/disclosures/{disclosureID}/sign", a.SignPlan},
		{"POST", "/api/v1/relationships/{id}/disclosures/{disclosureID}/withdraw", a.WithdrawDisclosure},
		{"GET", "/api/v1/relationships/{id}/supervisors", a.Supervisors},
		{"POST", "/api/v1/relationships/{id}/consultations", a.StartConsultation},
		{"GET", "/api/v1/consultations", a.Consultations},
		{"GET", "/api/v1/consultations/{consultationID}", a.Consultation},
		{"POST", "/api/v1/consultations/{consultationID}/messages", a.PostConsultation},
		{"POST", "/api/v1/consultations/{consultationID}/close", a.CloseConsultation},
		{"GET", "/api/v1/disclosures", a.ReceivedDisclosures},
		{"POST", "/api/v1/relationships/{id}/input-requests", a.RequestInput},
		{"GET", "/api/v1/input-requests", a.MyRequests},
		{"GET", "/api/v1/relationships/{id}/third-parties", a.ThirdParties},
		{"POST", "/api/v1/relationships/{id}/input-requests/{requestID}/decline", a.DeclineRequest},
		{"POST", "/api/v1/relationships/{id}/input-requests/{requestID}/statement", a.DraftStatement},
		{"POST", "/api/v1/relationships/{id}/summaries", a.PrepareSummary},
		{"GET", "/api/v1/relationships/{id}/statements/{statementID}", a.Statement},
		{"PUT", "/api/v1/relationships/{id}/statements/{statementID}", a.EditStatement},
		{"POST", "/api/v1/relationships/{id}/statements/{statementID}/submit", a.SubmitStatement},
		{"POST", "/api/v1/relationships/{id}/statements/{statementID}/decision", a.DecideStatement},
		{"POST", "/api/v1/relationships/{id}/statements/{statementID}/withdraw", a.WithdrawStatement},
		{"GET", "/api/v1/statements", a.ReceivedStatements},
		{"POST", "/api/v1/relationships/{id}/three-way-meetings", a.ProposeThreeWay},
		{"GET", "/api/v1/three-way-meetings", a.MyThreeWays},
		{"GET", "/api/v1/three-way-meetings/{threeWayID}", a.ThreeWay},
		{"PUT", "/api/v1/three-way-meetings/{threeWayID}", a.ReviseThreeWay},
		{"POST", "/api/v1/three-way-meetings/{threeWayID}/agree", a.AgreeThreeWay},
		{"POST", "/api/v1/three-way-meetings/{threeWayID}/outcome", a.ThreeWayOutcome},
		{"POST", "/api/v1/three-way-meetings/{threeWayID}/notes", a.ThreeWayNote},
		{"GET", "/api/v1/tokens", a.Tokens},
		{"POST", "/api/v1/tokens", a.CreateToken},
		{"DELETE", "/api/v1/tokens/{id}", a.RevokeToken},
		{"GET", "/api/v1/sso-providers", a.SSOProviders},
		{"POST", "/api/v1/sso-providers", a.AddSSOProvider},
		{"DELETE", "/api/v1/sso-providers/{id}", a.RemoveSSOProvider},
		{"GET", "/api/v1/programmes/{id}/matches", a.Matches},
		{"POST", "/api/v1/programmes/{id}/matches", a.ProposeMatches},
		{"GET", "/api/v1/programmes/{id}/suggestions", a.MenteeSuggestions},
		{"POST", "/api/v1/programmes/{id}/pick", a.PickMentor},
		{"GET", "/api/v1/people", a.People},
		{"POST", "/api/v1/people", a.CreatePerson},
		{"POST", "/api/v1/people/import", a.ImportPeople},
		{"GET", "/api/v1/people/{id}", a.Person},
		{"PATCH", "/api/v1/people/{id}", a.UpdatePerson},
		{"POST", "/api/v1/people/{id}/deactivate", a.DeactivatePerson},
		{"POST", "/api/v1/people/{id}/reactivate", a.ReactivatePerson},
		{"POST", "/api/v1/people/{id}/invite", a.InvitePerson},
		{"POST", "/api/v1/me/email-change", a.RequestEmailChange},
		{"PUT", "/api/v1/me/time-zone", a.UpdateTimeZone},
		{"POST", "/api/v1/people/{id}/password-reset", a.SendPasswordReset},
		{"GET", "/api/v1/org/mfa-policy", a.MFAPolicy},
		{"PUT", "/api/v1/org/mfa-policy", a.SetMFAPolicy},
		{"GET", "/api/v1/org/privacy", a.Privacy},
		{"PUT", "/api/v1/org/privacy", a.SetPrivacy},
	}
	for _, act := range mentorvault.LifecycleActions {
		if act == mentorvault.ActClose {
			continue // below: closing takes what the party settled
		}
		rs = append(rs, apiRoute{"POST", "/api/v1/relationships/{id}/" + string(act), a.Lifecycle(act)})
	}
	rs = append(rs,
		apiRoute{"GET", "/api/v1/relationships/{id}/close", a.ClosingPlan},
		apiRoute{"POST", "/api/v1/relationships/{id}/close", a.Close},
		apiRoute{"POST", "/api/v1/relationships/{id}/end", a.End},
		apiRoute{"PUT", "/api/v1/relationships/{id}/hold", a.PlaceHold},
		apiRoute{"DELETE", "/api/v1/relationships/{id}/hold", a.ReleaseHold},
	)
	return rs
}

// routes registers every route of the server: this is the one page that
// lists them all.
func (s *Server) routes(mux *http.ServeMux, a *api.Handler, w *web.Handler) {
	mux.Handle("GET /healthz", httpx.Plain(s.log, s.healthz))
	mux.Handle("GET /readyz", httpx.Plain(s.log, s.readyz))
	mux.Handle("GET /metrics", s.metricsHandler())

	mux.HandleFunc("GET /api/v1/openapi.json", a.OpenAPI)
	for _, rt := range s.apiRoutes {
		mux.Handle(rt.Method+" "+rt.Path, httpx.API(s.log, rt.h))
	}
	mux.Handle("/api/", httpx.API(s.log, s.apiNotFound))

	mux.Handle("GET /calendar/{file}", httpx.Plain(s.log, a.CalendarFeed))
	mux.Handle("GET /static/{file}", w.Static())
	mux.Handle("GET /login", w.Page(w.LoginForm))
	mux.Handle("POST /login", w.Page(w.Login))
	mux.Handle("GET /login/sso/{id}", w.Public(w.StartSSO))
	mux.Handle("GET /login/sso/{id}/callback", w.Public(w.FinishSSO))
	mux.Handle("POST /logout", w.Form(w.Logout))
	mux.Handle("GET /{$}", w.Page(w.Home))
	mux.Handle("GET /directory", w.Page(w.Directory))
	mux.Handle("GET /relationships/new", w.Page(w.ProposeForm))
	mux.Handle("POST /relationships", w.Form(w.Propose))
	mux.Handle("GET /relationships/{id}", w.Page(w.Relationship))
	mux.Handle("POST /relationships/{id}/lifecycle", w.Form(w.Lifecycle))
	mux.Handle("GET /relationships/{id}/close", w.Page(w.ClosePage))
	mux.Handle("POST /relationships/{id}/close", w.Form(w.Close))
	mux.Handle("POST /relationships/{id}/end", w.Form(w.End))
	mux.Handle("GET /relationships/{id}/hold", w.Page(w.HoldPage))
	mux.Handle("POST /relationships/{id}/hold", w.Form(w.Hold))
	mux.Handle("POST /relationships/{id}/hold/release", w.Form(w.ReleaseHold))
	mux.Handle("POST /relationships/{id}/notes", w.Form(w.CreateNote))
	mux.Handle("GET /relationships/{id}/notes/{noteID}/edit", w.Page(w.EditNote))
	mux.Handle("POST /relationships/{id}/notes/{noteID}", w.Form(w.UpdateNote))
	mux.Handle("POST /relationships/{id}/notes/{noteID}/delete", w.Form(w.DeleteNote))
	mux.Handle("GET /relationships/{id}/audit", w.Page(w.Audit))
	mux.Handle("GET /relationships/{id}/agreement", w.Page(w.Agreement))
	mux.Handle("POST /relationships/{id}/agreement/drafts", w.Form(w.StartDraft))
	mux.Handle("GET /relationships/{id}/agreement/edit", w.Page(w.AgreementEdit))
	mux.Handle("POST /relationships/{id}/agreement/edit", w.Form(w.AgreementSave))
	mux.Handle("GET /relationships/{id}/agreement/versions/{versionID}/diff", w.Page(w.AgreementDiff))
	mux.Handle("POST /relationships/{id}/agreement/versions/{versionID}/sign", w.Form(w.SignAgreement))
	mux.Handle("POST /relationships/{id}/agreement/guidelines/{version}/read", w.Form(w.ConfirmGuidelines))
	mux.Handle("POST /relationships/{id}/agreement/versions/{versionID}/comments", w.Form(w.CommentAgreement))
	mux.Handle("POST /relationships/{id}/agreement/reviews", w.Form(w.RecordReview))
	mux.Handle("GET /programmes", w.Page(w.Programmes))
	mux.Handle("POST /programmes", w.Form(w.CreateProgramme))
	mux.Handle("GET /programmes/{id}", w.Page(w.Programme))
	mux.Handle("GET /programmes/{id}/matching", w.Page(w.Matching))
	mux.Handle("GET /programmes/{id}/dashboard", w.Page(w.Dashboard))
	mux.Handle("GET /programmes/{id}/dashboard.csv", w.Page(w.DashboardCSV))
	mux.Handle("POST /programmes/{id}/matching/propose", w.Form(w.ProposeMatches))
	mux.Handle("POST /programmes/{id}/pick", w.Form(w.PickMentor))
	mux.Handle("POST /programmes/{id}/edit", w.Form(w.EditProgramme))
	mux.Handle("POST /programmes/{id}/enrolment", w.Form(w.ProgrammeEnrolment))
	mux.Handle("POST /programmes/{id}/archive", w.Form(w.ArchiveProgramme))
	mux.Handle("POST /programmes/{id}/staff", w.Form(w.ProgrammeStaff))
	mux.Handle("POST /programmes/{id}/topics", w.Form(w.ProgrammeTopics))
	mux.Handle("POST /programmes/{id}/enrol", w.Form(w.Enrol))
	mux.Handle("POST /programmes/{id}/withdraw", w.Form(w.WithdrawEnrolment))
	mux.Handle("POST /programmes/{id}/guidelines", w.Form(w.PublishGuidelines))
	mux.Handle("POST /programmes/{id}/settings", w.Form(w.ProgrammeSettings))
	mux.Handle("GET /relationships/{id}/meetings", w.Page(w.Meetings))
	mux.Handle("POST /relationships/{id}/meetings", w.Form(w.ScheduleMeeting))
	mux.Handle("GET /relationships/{id}/meetings/{meetingID}", w.Page(w.Meeting))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/start", w.Form(w.StartMeeting))
	mux.Handle("GET /relationships/{id}/meetings/{meetingID}/reminder", w.Page(w.Reminder))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/reminder-ack", w.Form(w.AckReminder))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/notes", w.Form(w.SessionNote))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/commitments", w.Form(w.MeetingCommitment))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/reschedule", w.Form(w.RescheduleMeeting))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/cancel", w.Form(w.CancelMeeting))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/outcome", w.Form(w.MeetingOutcome))
	mux.Handle("GET /relationships/{id}/commitments", w.Page(w.Commitments))
	mux.Handle("POST /relationships/{id}/commitments", w.Form(w.CreateCommitment))
	mux.Handle("POST /relationships/{id}/commitments/{commitmentID}", w.Form(w.UpdateCommitment))
	mux.Handle("GET /relationships/{id}/goals", w.Page(w.Goals))
	mux.Handle("POST /relationships/{id}/goals", w.Form(w.CreateGoal))
	mux.Handle("POST /relationships/{id}/goals/{goalID}/progress", w.Form(w.GoalProgress))
	mux.Handle("GET /relationships/{id}/feedback", w.Page(w.Feedback))
	mux.Handle("POST /relationships/{id}/feedback", w.Form(w.RequestFeedback))
	mux.Handle("POST /relationships/{id}/feedback/{requestID}/answer", w.Form(w.AnswerFeedback))
	mux.Handle("GET /notifications", w.Page(w.Notifications))
	mux.Handle("POST /notifications/read", w.Form(w.MarkNotificationsRead))
	mux.Handle("POST /notifications/{notificationID}/open", w.Form(w.OpenNotification))
	mux.Handle("GET /settings", w.Page(w.Settings))
	mux.Handle("GET /settings/email", w.Page(w.EmailSettings))
	mux.Handle("POST /settings/email", w.Form(w.UpdateEmailSettings))
	mux.Handle("GET /settings/password", w.Page(w.PasswordForm))
	mux.Handle("POST /settings/password", w.Form(w.ChangePassword))
	mux.Handle("POST /settings/calendar-feeds", w.Form(w.CreateCalendarFeed))
	mux.Handle("POST /settings/calendar-feeds/{feedID}/revoke", w.Form(w.RevokeCalendarFeed))
	mux.Handle("POST /settings/tokens", w.Form(w.CreateToken))
	mux.Handle("POST /settings/tokens/{id}/revoke", w.Form(w.RevokeToken))
	mux.Handle("GET /settings/security", w.Page(w.Security))
	mux.Handle("POST /settings/security/passkeys/options", w.Form(w.PasskeyOptions))
	mux.Handle("POST /settings/security/passkeys", w.Form(w.AddPasskey))
	mux.Handle("POST /settings/security/passkeys/{passkeyID}/rename", w.Form(w.RenamePasskey))
	mux.Handle("POST /settings/security/passkeys/{passkeyID}/remove", w.Form(w.RemovePasskey))
	mux.Handle("POST /settings/security/step-up/options", w.Form(w.StepUpOptions))
	mux.Handle("POST /settings/security/second-factor", w.Form(w.SecondFactor))
	mux.Handle("POST /settings/security/recovery-codes", w.Form(w.RecoveryCodes))
	mux.Handle("POST /settings/security/policy", w.Form(w.MFAPolicy))
	mux.Handle("POST /settings/security/privacy", w.Form(w.PrivacyFloor))
	mux.Handle("POST /login/passkey/options", w.Public(w.PasskeyLoginOptions))
	mux.Handle("POST /login/passkey", w.Public(w.PasskeyLogin))
	mux.Handle("GET /login/second-factor", w.Public(w.SecondFactorForm))
	mux.Handle("POST /login/second-factor/options", w.Public(w.SecondFactorOptions))
	mux.Handle("POST /login/second-factor", w.Public(w.SecondFactorPasskey))
	mux.Handle("POST /login/second-factor/recovery", w.Public(w.SecondFactorRecovery))
	mux.Handle("POST /login/second-factor/enrol/options", w.Public(w.EnrolPasskeyOptions))
	mux.Handle("POST /login/second-factor/enrol", w.Public(w.EnrolPasskey))
	mux.Handle("GET /relationships/{id}/concerns", w.Page(w.Concerns))
	mux.Handle("POST /relationships/{id}/concerns", w.Form(w.RaiseConcern))
	mux.Handle("GET /relationships/{id}/concerns/{concernID}", w.Page(w.Concern))
	mux.Handle("POST /relationships/{id}/concerns/{concernID}/steps", w.Form(w.ConcernStep))
	mux.Handle("POST /relationships/{id}/concerns/{concernID}/plans", w.Form(w.ProposePlan))
	mux.Handle("POST /relationships/{id}/concerns/{concernID}/notices", w.Form(w.FileNotice))
	mux.Handle("POST /relationships/{id}/concerns/{concernID}/close", w.Form(w.CloseConcern))
	mux.Handle("POST /relationships/{id}/disclosures/{disclosureID}/sign", w.Form(w.SignPlan))
	mux.Handle("POST /relationships/{id}/disclosures/{disclosureID}/withdraw", w.Form(w.WithdrawDisclosure))
	mux.Handle("GET /relationships/{id}/consultations/new", w.Page(w.ConsultForm))
	mux.Handle("POST /relationships/{id}/consultations", w.Form(w.StartConsultation))
	mux.Handle("GET /consultations", w.Page(w.Consultations))
	mux.Handle("GET /consultations/{consultationID}", w.Page(w.Consultation))
	mux.Handle("POST /consultations/{consultationID}/messages", w.Form(w.PostConsultation))
	mux.Handle("POST /consultations/{consultationID}/close", w.Form(w.CloseConsultation))
	mux.Handle("GET /disclosures", w.Page(w.Disclosures))
	mux.Handle("GET /relationships/{id}/input-requests/new", w.Page(w.AskForm))
	mux.Handle("POST /relationships/{id}/input-requests", w.Form(w.RequestInput))
	mux.Handle("GET /requests", w.Page(w.MyRequests))
	mux.Handle("GET /statements", w.Page(w.ReceivedStatements))
	mux.Handle("GET /relationships/{id}/third-parties", w.Page(w.ThirdParties))
	mux.Handle("POST /relationships/{id}/third-parties/requests/{requestID}/decline", w.Form(w.DeclineRequest))
	mux.Handle("POST /relationships/{id}/third-parties/requests/{requestID}/statement", w.Form(w.DraftStatement))
	mux.Handle("POST /relationships/{id}/third-parties/summaries", w.Form(w.PrepareSummary))
	mux.Handle("POST /relationships/{id}/third-parties/three-way", w.Form(w.ProposeThreeWay))
	mux.Handle("GET /relationships/{id}/third-parties/statements/{statementID}", w.Page(w.Statement))
	mux.Handle("POST /relationships/{id}/third-parties/statements/{statementID}", w.Form(w.EditStatement))
	mux.Handle("POST /relationships/{id}/third-parties/statements/{statementID}/submit", w.Form(w.SubmitStatement))
	mux.Handle("POST /relationships/{id}/third-parties/statements/{statementID}/decision", w.Form(w.DecideStatement))
	mux.Handle("POST /relationships/{id}/third-parties/statements/{statementID}/withdraw", w.Form(w.WithdrawStatement))
	mux.Handle("GET /three-way/{threeWayID}", w.Page(w.ThreeWay))
	mux.Handle("POST /three-way/{threeWayID}/agree", w.Form(w.AgreeThreeWay))
	mux.Handle("POST /three-way/{threeWayID}/revise", w.Form(w.ReviseThreeWay))
	mux.Handle("POST /three-way/{threeWayID}/outcome", w.Form(w.ThreeWayOutcome))
	mux.Handle("POST /three-way/{threeWayID}/notes", w.Form(w.ThreeWayNote))
	mux.Handle("GET /people", w.Page(w.People))
	mux.Handle("POST /people", w.Form(w.AddPerson))
	mux.Handle("GET /people/sso", w.Page(w.SSOProviders))
	mux.Handle("POST /people/sso", w.Form(w.AddSSOProvider))
	mux.Handle("POST /people/sso/{id}/remove", w.Form(w.RemoveSSOProvider))
	mux.Handle("GET /people/import", w.Page(w.ImportForm))
	mux.Handle("POST /people/import", w.Page(w.ImportPeople))
	mux.Handle("GET /people/{id}", w.Page(w.Person))
	mux.Handle("POST /people/{id}", w.Form(w.UpdatePerson))
	mux.Handle("POST /people/{id}/deactivate", w.Form(w.DeactivatePerson))
	mux.Handle("POST /people/{id}/reactivate", w.Form(w.ReactivatePerson))
	mux.Handle("POST /people/{id}/admin", w.Form(w.PersonAdmin))
	mux.Handle("POST /people/{id}/invite", w.Form(w.InvitePerson))
	mux.Handle("GET /invite/{token}", w.Public(w.Invitation))
	mux.Handle("POST /invite/{token}", w.Public(w.AcceptInvitation))
	mux.Handle("GET /login/forgot", w.Page(w.ForgotForm))
	mux.Handle("POST /login/forgot", w.Page(w.RequestReset))
	mux.Handle("GET /login/reset/{token}", w.Public(w.ResetForm))
	mux.Handle("POST /login/reset/{token}", w.Public(w.ResetPassword))
	mux.Handle("GET /login/confirm-email/{token}", w.Public(w.EmailChangeForm))
	mux.Handle("POST /login/confirm-email/{token}", w.Public(w.ConfirmEmailChange))
	mux.Handle("POST /settings/email-address", w.Form(w.RequestEmailChange))
	mux.Handle("POST /settings/time-zone", w.Form(w.UpdateTimeZone))
	mux.Handle("POST /people/{id}/password-reset", w.Form(w.SendPasswordReset))
	mux.Handle("GET /people/provisioning", w.Page(w.Provisioning))
	mux.Handle("POST /people/provisioning", w.Form(w.AddProvisioningClient))
	mux.Handle("POST /people/provisioning/{clientID}/revoke", w.Form(w.RevokeProvisioningClient))
	s.scimRoutes(mux, scim.New(s.svc, s.log, s.edge))
	mux.Handle("/", w.Page(w.NotFound))
}

// scimRoutes serves SCIM 2.0 provisioning (internal/scim). Its requests
// carry a provisioning client's bearer token, which authenticate leaves to
// the service (it is no API token); nothing under /scim/ uses a cookie.
func (s *Server) scimRoutes(mux *http.ServeMux, sc *scim.Handler) {
	mux.Handle("GET /scim/v2/ServiceProviderConfig", sc.Public(sc.ServiceProviderConfig))
	mux.Handle("GET /scim/v2/ResourceTypes", sc.Public(sc.ResourceTypes))
	mux.Handle("GET /scim/v2/ResourceTypes/{id}", sc.Public(sc.ResourceType))
	mux.Handle("GET /scim/v2/Schemas", sc.Public(sc.Schemas))
	mux.Handle("GET /scim/v2/Schemas/{id}", sc.Public(sc.Schema))
	mux.Handle("GET /scim/v2/Users", sc.Handle(sc.ListUsers))
	mux.Handle("POST /scim/v2/Users", sc.Handle(sc.CreateUser))
	mux.Handle("GET /scim/v2/Users/{id}", sc.Handle(sc.GetUser))
	mux.Handle("PUT /scim/v2/Users/{id}", sc.Handle(sc.ReplaceUser))
	mux.Handle("PATCH /scim/v2/Users/{id}", sc.Handle(sc.PatchUser))
	mux.Handle("DELETE /scim/v2/Users/{id}", sc.Handle(sc.DeleteUser))
	mux.Handle("GET /scim/v2/Groups", sc.Handle(sc.ListGroups))
	mux.Handle("POST /scim/v2/Groups", sc.Handle(sc.CreateGroup))
	mux.Handle("GET /scim/v2/Groups/{id}", sc.Handle(sc.GetGroup))
	mux.Handle("PUT /scim/v2/Groups/{id}", sc.Handle(sc.ReplaceGroup))
	mux.Handle("PATCH /scim/v2/Groups/{id}", sc.Handle(sc.PatchGroup))
	mux.Handle("DELETE /scim/v2/Groups/{id}", sc.Handle(sc.DeleteGroup))
	mux.Handle("/scim/", sc.Handle(sc.NotFound))
}

// apiNotFound answers a request no API route takes: 405 with every method
// the path allows in Allow, or 404.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) error {
	var methods []string
	for _, rt := range s.apiRoutes {
		if pathMatches(rt.Path, r.URL.Path) && !slices.Contains(methods, rt.Method) {
			methods = append(methods, rt.Method)
		}
	}
	if r.URL.Path == "/api/v1/openapi.json" {
		methods = append(methods, http.MethodGet)
	}
	if len(methods) > 0 {
		if slices.Contains(methods, http.MethodGet) {
			methods = append(methods, http.MethodHead)
		}
		w.Header().Set("Allow", strings.Join(methods, ", "))
		return &mentorvault.Error{Code: httpx.CodeMethod, Message: "method " + r.Method + " is not allowed here"}
	}
	return mentorvault.Errorf(mentorvault.ENOTFOUND, "no such API endpoint; see /api/v1/openapi.json")
}

// pathMatches reports whether path fits a route pattern with {wildcards}.
func pathMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if !strings.HasPrefix(ps[i], "{") && ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// APIRoutes lists the API's routes as "METHOD /path/{param}", for the test
// that holds the OpenAPI document to the routes actually served.
func (s *Server) APIRoutes() []string {
	var out []string
	for _, rt := range s.apiRoutes {
		out = append(out, rt.Method+" "+rt.Path)
	}
	return append(out, "GET /api/v1/openapi.json")
}
