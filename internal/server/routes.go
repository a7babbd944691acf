package server

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
)

// apiRoute is one route of the JSON API; the OpenAPI document must describe
// exactly these (a test checks).
type apiRoute struct {
	Method, Path string
	h            func(http.ResponseWriter, *http.Request) error
}

func (s *Server) apiRoutes() []apiRoute {
	rs := []apiRoute{
		{"GET", "/api/v1/me", s.apiMe},
		{"GET", "/api/v1/directory", s.apiDirectory},
		{"GET", "/api/v1/relationships", s.apiMyRelationships},
		{"POST", "/api/v1/relationships", s.apiPropose},
		{"GET", "/api/v1/relationships/{id}", s.apiRelationship},
		{"GET", "/api/v1/relationships/{id}/notes", s.apiListNotes},
		{"POST", "/api/v1/relationships/{id}/notes", s.apiCreateNote},
		{"GET", "/api/v1/relationships/{id}/notes/{noteID}", s.apiReadNote},
		{"PATCH", "/api/v1/relationships/{id}/notes/{noteID}", s.apiUpdateNote},
		{"DELETE", "/api/v1/relationships/{id}/notes/{noteID}", s.apiDeleteNote},
		{"GET", "/api/v1/relationships/{id}/audit", s.apiAudit},
		{"GET", "/api/v1/relationships/{id}/agreement", s.apiAgreement},
		{"GET", "/api/v1/relationships/{id}/agreement/status", s.apiAgreementStatus},
		{"POST", "/api/v1/relationships/{id}/agreement/drafts", s.apiStartDraft},
		{"PUT", "/api/v1/relationships/{id}/agreement/versions/{versionID}", s.apiUpdateDraft},
		{"POST", "/api/v1/relationships/{id}/agreement/versions/{versionID}/sign", s.apiSign},
		{"GET", "/api/v1/relationships/{id}/agreement/versions/{versionID}/verify", s.apiVerify},
		{"GET", "/api/v1/relationships/{id}/agreement/versions/{versionID}/diff", s.apiDiff},
		{"POST", "/api/v1/relationships/{id}/agreement/versions/{versionID}/comments", s.apiComment},
		{"GET", "/api/v1/relationships/{id}/agreement/versions/{versionID}/export", s.apiExport},
		{"GET", "/api/v1/relationships/{id}/reviews", s.apiReviews},
		{"POST", "/api/v1/relationships/{id}/reviews", s.apiRecordReview},
		{"GET", "/api/v1/agreement-presets", s.apiPresets},
		{"GET", "/api/v1/programmes/{id}", s.apiProgramme},
		{"PUT", "/api/v1/programmes/{id}/settings", s.apiUpdateProgrammeSettings},
		{"POST", "/api/v1/programmes/{id}/guidelines", s.apiPublishGuidelines},
		{"GET", "/api/v1/programmes/{id}/guidelines/{version}", s.apiGuidelines},
		{"GET", "/api/v1/relationships/{id}/meetings", s.apiMeetings},
		{"POST", "/api/v1/relationships/{id}/meetings", s.apiScheduleMeeting},
		{"GET", "/api/v1/relationships/{id}/meetings/{meetingID}", s.apiMeeting},
		{"PUT", "/api/v1/relationships/{id}/meetings/{meetingID}", s.apiRescheduleMeeting},
		{"POST", "/api/v1/relationships/{id}/meetings/{meetingID}/cancel", s.apiCancelMeeting},
		{"POST", "/api/v1/relationships/{id}/meetings/{meetingID}/outcome", s.apiMeetingOutcome},
		{"POST", "/api/v1/relationships/{id}/meetings/{meetingID}/start", s.apiStartMeeting},
		{"POST", "/api/v1/relationships/{id}/meetings/{meetingID}/reminder-ack", s.apiAckReminder},
		{"POST", "/api/v1/relationships/{id}/meetings/{meetingID}/notes", s.apiMeetingNote},
		{"GET", "/api/v1/relationships/{id}/meetings/{meetingID}/ics", s.apiMeetingICS},
		{"GET", "/api/v1/relationships/{id}/commitments", s.apiCommitments},
		{"POST", "/api/v1/relationships/{id}/commitments", s.apiCreateCommitment},
		{"PATCH", "/api/v1/relationships/{id}/commitments/{commitmentID}", s.apiUpdateCommitment},
		{"GET", "/api/v1/relationships/{id}/goals", s.apiGoals},
		{"POST", "/api/v1/relationships/{id}/goals", s.apiCreateGoal},
		{"POST", "/api/v1/relationships/{id}/goals/{goalID}/progress", s.apiGoalProgress},
		{"GET", "/api/v1/relationships/{id}/feedback", s.apiFeedback},
		{"POST", "/api/v1/relationships/{id}/feedback", s.apiRequestFeedback},
		{"POST", "/api/v1/relationships/{id}/feedback/{requestID}/answer", s.apiAnswerFeedback},
		{"GET", "/api/v1/programmes/{id}/feedback", s.apiFeedbackAggregates},
		{"GET", "/api/v1/notifications", s.apiNotifications},
		{"POST", "/api/v1/notifications/read", s.apiMarkNotificationsRead},
		{"GET", "/api/v1/calendar-feeds", s.apiCalendarFeeds},
		{"POST", "/api/v1/calendar-feeds", s.apiCreateCalendarFeed},
		{"DELETE", "/api/v1/calendar-feeds/{feedID}", s.apiRevokeCalendarFeed},
		{"GET", "/api/v1/relationships/{id}/concerns", s.apiConcerns},
		{"POST", "/api/v1/relationships/{id}/concerns", s.apiRaiseConcern},
		{"GET", "/api/v1/relationships/{id}/concerns/{concernID}", s.apiConcern},
		{"POST", "/api/v1/relationships/{id}/concerns/{concernID}/steps", s.apiConcernStep},
		{"POST", "/api/v1/relationships/{id}/concerns/{concernID}/plans", s.apiProposePlan},
		{"POST", "/api/v1/relationships/{id}/concerns/{concernID}/notices", s.apiFileNotice},
		{"POST", "/api/v1/relationships/{id}/concerns/{concernID}/close", s.apiCloseConcern},
		{"POST", "/api/v1/relationships/{id}/disclosures/{disclosureID}/sign", s.apiSignPlan},
		{"POST", "/api/v1/relationships/{id}/disclosures/{disclosureID}/withdraw", s.apiWithdrawDisclosure},
		{"GET", "/api/v1/relationships/{id}/supervisors", s.apiSupervisors},
		{"POST", "/api/v1/relationships/{id}/consultations", s.apiStartConsultation},
		{"GET", "/api/v1/consultations", s.apiConsultations},
		{"GET", "/api/v1/consultations/{consultationID}", s.apiConsultation},
		{"POST", "/api/v1/consultations/{consultationID}/messages", s.apiPostConsultation},
		{"POST", "/api/v1/consultations/{consultationID}/close", s.apiCloseConsultation},
		{"GET", "/api/v1/disclosures", s.apiReceivedDisclosures},
		{"POST", "/api/v1/relationships/{id}/input-requests", s.apiRequestInput},
		{"GET", "/api/v1/input-requests", s.apiMyRequests},
		{"GET", "/api/v1/relationships/{id}/third-parties", s.apiThirdParties},
		{"POST", "/api/v1/relationships/{id}/input-requests/{requestID}/decline", s.apiDeclineRequest},
		{"POST", "/api/v1/relationships/{id}/input-requests/{requestID}/statement", s.apiDraftStatement},
		{"POST", "/api/v1/relationships/{id}/summaries", s.apiPrepareSummary},
		{"GET", "/api/v1/relationships/{id}/statements/{statementID}", s.apiStatement},
		{"PUT", "/api/v1/relationships/{id}/statements/{statementID}", s.apiEditStatement},
		{"POST", "/api/v1/relationships/{id}/statements/{statementID}/submit", s.apiSubmitStatement},
		{"POST", "/api/v1/relationships/{id}/statements/{statementID}/decision", s.apiDecideStatement},
		{"POST", "/api/v1/relationships/{id}/statements/{statementID}/withdraw", s.apiWithdrawStatement},
		{"GET", "/api/v1/statements", s.apiReceivedStatements},
		{"POST", "/api/v1/relationships/{id}/three-way-meetings", s.apiProposeThreeWay},
		{"GET", "/api/v1/three-way-meetings", s.apiMyThreeWays},
		{"GET", "/api/v1/three-way-meetings/{threeWayID}", s.apiThreeWay},
		{"PUT", "/api/v1/three-way-meetings/{threeWayID}", s.apiReviseThreeWay},
		{"POST", "/api/v1/three-way-meetings/{threeWayID}/agree", s.apiAgreeThreeWay},
		{"POST", "/api/v1/three-way-meetings/{threeWayID}/outcome", s.apiThreeWayOutcome},
		{"POST", "/api/v1/three-way-meetings/{threeWayID}/notes", s.apiThreeWayNote},
		{"GET", "/api/v1/tokens", s.apiTokens},
		{"POST", "/api/v1/tokens", s.apiCreateToken},
		{"DELETE", "/api/v1/tokens/{id}", s.apiRevokeToken},
	}
	for _, a := range mentorvault.LifecycleActions {
		rs = append(rs, apiRoute{"POST", "/api/v1/relationships/{id}/" + string(a), s.apiLifecycle(a)})
	}
	return rs
}

// routes lists every route of the server.
func (s *Server) routes(mux *http.ServeMux) {
	mux.Handle("GET /healthz", s.plain(s.healthz))
	mux.Handle("GET /readyz", s.plain(s.readyz))
	mux.Handle("GET /metrics", s.metricsHandler())

	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	for _, rt := range s.apiRoutes() {
		mux.Handle(rt.Method+" "+rt.Path, s.api(rt.h))
	}
	mux.Handle("/api/", s.api(s.apiNotFound))

	mux.Handle("GET /calendar/{file}", s.plain(s.calendarFeed))
	mux.Handle("GET /static/{file}", s.static())
	mux.Handle("GET /login", s.page(s.webLoginForm))
	mux.Handle("POST /login", s.page(s.webLogin))
	mux.Handle("POST /logout", s.form(s.webLogout))
	mux.Handle("GET /{$}", s.page(s.webHome))
	mux.Handle("GET /directory", s.page(s.webDirectory))
	mux.Handle("GET /relationships/new", s.page(s.webProposeForm))
	mux.Handle("POST /relationships", s.form(s.webPropose))
	mux.Handle("GET /relationships/{id}", s.page(s.webRelationship))
	mux.Handle("POST /relationships/{id}/lifecycle", s.form(s.webLifecycle))
	mux.Handle("POST /relationships/{id}/notes", s.form(s.webCreateNote))
	mux.Handle("GET /relationships/{id}/notes/{noteID}/edit", s.page(s.webEditNote))
	mux.Handle("POST /relationships/{id}/notes/{noteID}", s.form(s.webUpdateNote))
	mux.Handle("POST /relationships/{id}/notes/{noteID}/delete", s.form(s.webDeleteNote))
	mux.Handle("GET /relationships/{id}/audit", s.page(s.webAudit))
	mux.Handle("GET /relationships/{id}/agreement", s.page(s.webAgreement))
	mux.Handle("POST /relationships/{id}/agreement/drafts", s.form(s.webStartDraft))
	mux.Handle("GET /relationships/{id}/agreement/edit", s.page(s.webAgreementEdit))
	mux.Handle("POST /relationships/{id}/agreement/edit", s.form(s.webAgreementSave))
	mux.Handle("GET /relationships/{id}/agreement/versions/{versionID}/diff", s.page(s.webAgreementDiff))
	mux.Handle("POST /relationships/{id}/agreement/versions/{versionID}/sign", s.form(s.webSignAgreement))
	mux.Handle("POST /relationships/{id}/agreement/versions/{versionID}/comments", s.form(s.webCommentAgreement))
	mux.Handle("POST /relationships/{id}/agreement/reviews", s.form(s.webRecordReview))
	mux.Handle("GET /programmes/{id}", s.page(s.webProgramme))
	mux.Handle("POST /programmes/{id}/guidelines", s.form(s.webPublishGuidelines))
	mux.Handle("POST /programmes/{id}/settings", s.form(s.webProgrammeSettings))
	mux.Handle("GET /relationships/{id}/meetings", s.page(s.webMeetings))
	mux.Handle("POST /relationships/{id}/meetings", s.form(s.webScheduleMeeting))
	mux.Handle("GET /relationships/{id}/meetings/{meetingID}", s.page(s.webMeeting))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/start", s.form(s.webStartMeeting))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/reminder-ack", s.form(s.webAckReminder))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/notes", s.form(s.webSessionNote))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/commitments", s.form(s.webMeetingCommitment))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/reschedule", s.form(s.webRescheduleMeeting))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/cancel", s.form(s.webCancelMeeting))
	mux.Handle("POST /relationships/{id}/meetings/{meetingID}/outcome", s.form(s.webMeetingOutcome))
	mux.Handle("GET /relationships/{id}/commitments", s.page(s.webCommitments))
	mux.Handle("POST /relationships/{id}/commitments", s.form(s.webCreateCommitment))
	mux.Handle("POST /relationships/{id}/commitments/{commitmentID}", s.form(s.webUpdateCommitment))
	mux.Handle("GET /relationships/{id}/goals", s.page(s.webGoals))
	mux.Handle("POST /relationships/{id}/goals", s.form(s.webCreateGoal))
	mux.Handle("POST /relationships/{id}/goals/{goalID}/progress", s.form(s.webGoalProgress))
	mux.Handle("GET /relationships/{id}/feedback", s.page(s.webFeedback))
	mux.Handle("POST /relationships/{id}/feedback", s.form(s.webRequestFeedback))
	mux.Handle("POST /relationships/{id}/feedback/{requestID}/answer", s.form(s.webAnswerFeedback))
	mux.Handle("GET /notifications", s.page(s.webNotifications))
	mux.Handle("POST /notifications/read", s.form(s.webMarkNotificationsRead))
	mux.Handle("POST /notifications/{notificationID}/open", s.form(s.webOpenNotification))
	mux.Handle("GET /settings", s.page(s.webSettings))
	mux.Handle("POST /settings/calendar-feeds", s.form(s.webCreateCalendarFeed))
	mux.Handle("POST /settings/calendar-feeds/{feedID}/revoke", s.form(s.webRevokeCalendarFeed))
	mux.Handle("POST /settings/tokens", s.form(s.webCreateToken))
	mux.Handle("POST /settings/tokens/{id}/revoke", s.form(s.webRevokeToken))
	mux.Handle("GET /relationships/{id}/concerns", s.page(s.webConcerns))
	mux.Handle("POST /relationships/{id}/concerns", s.form(s.webRaiseConcern))
	mux.Handle("GET /relationships/{id}/concerns/{concernID}", s.page(s.webConcern))
	mux.Handle("POST /relationships/{id}/concerns/{concernID}/steps", s.form(s.webConcernStep))
	mux.Handle("POST /relationships/{id}/concerns/{concernID}/plans", s.form(s.webProposePlan))
	mux.Handle("POST /relationships/{id}/concerns/{concernID}/notices", s.form(s.webFileNotice))
	mux.Handle("POST /relationships/{id}/concerns/{concernID}/close", s.form(s.webCloseConcern))
	mux.Handle("POST /relationships/{id}/disclosures/{disclosureID}/sign", s.form(s.webSignPlan))
	mux.Handle("POST /relationships/{id}/disclosures/{disclosureID}/withdraw", s.form(s.webWithdrawDisclosure))
	mux.Handle("GET /relationships/{id}/consultations/new", s.page(s.webConsultForm))
	mux.Handle("POST /relationships/{id}/consultations", s.form(s.webStartConsultation))
	mux.Handle("GET /consultations", s.page(s.webConsultations))
	mux.Handle("GET /consultations/{consultationID}", s.page(s.webConsultation))
	mux.Handle("POST /consultations/{consultationID}/messages", s.form(s.webPostConsultation))
	mux.Handle("POST /consultations/{consultationID}/close", s.form(s.webCloseConsultation))
	mux.Handle("GET /disclosures", s.page(s.webDisclosures))
	mux.Handle("GET /relationships/{id}/input-requests/new", s.page(s.webAskForm))
	mux.Handle("POST /relationships/{id}/input-requests", s.form(s.webRequestInput))
	mux.Handle("GET /requests", s.page(s.webMyRequests))
	mux.Handle("GET /statements", s.page(s.webReceivedStatements))
	mux.Handle("GET /relationships/{id}/third-parties", s.page(s.webThirdParties))
	mux.Handle("POST /relationships/{id}/third-parties/requests/{requestID}/decline", s.form(s.webDeclineRequest))
	mux.Handle("POST /relationships/{id}/third-parties/requests/{requestID}/statement", s.form(s.webDraftStatement))
	mux.Handle("POST /relationships/{id}/third-parties/summaries", s.form(s.webPrepareSummary))
	mux.Handle("POST /relationships/{id}/third-parties/three-way", s.form(s.webProposeThreeWay))
	mux.Handle("GET /relationships/{id}/third-parties/statements/{statementID}", s.page(s.webStatement))
	mux.Handle("POST /relationships/{id}/third-parties/statements/{statementID}", s.form(s.webEditStatement))
	mux.Handle("POST /relationships/{id}/third-parties/statements/{statementID}/submit", s.form(s.webSubmitStatement))
	mux.Handle("POST /relationships/{id}/third-parties/statements/{statementID}/decision", s.form(s.webDecideStatement))
	mux.Handle("POST /relationships/{id}/third-parties/statements/{statementID}/withdraw", s.form(s.webWithdrawStatement))
	mux.Handle("GET /three-way/{threeWayID}", s.page(s.webThreeWay))
	mux.Handle("POST /three-way/{threeWayID}/agree", s.form(s.webAgreeThreeWay))
	mux.Handle("POST /three-way/{threeWayID}/revise", s.form(s.webReviseThreeWay))
	mux.Handle("POST /three-way/{threeWayID}/outcome", s.form(s.webThreeWayOutcome))
	mux.Handle("POST /three-way/{threeWayID}/notes", s.form(s.webThreeWayNote))
	mux.Handle("/", s.page(s.webNotFound))
}

// plain adapts an error-returning handler that writes its own response.
func (s *Server) plain(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.logError(r, err)
		}
	})
}

// APIRoutes lists the API's routes as "METHOD /path/{param}", for the test
// that holds the OpenAPI document to the routes actually served.
func (s *Server) APIRoutes() []string {
	var out []string
	for _, rt := range s.apiRoutes() {
		out = append(out, rt.Method+" "+rt.Path)
	}
	return append(out, "GET /api/v1/openapi.json")
}
