package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
)

// enrolmentJSON is an enrolment with its matching profile, for its person
// or the programme's coordinators. A withdrawn one has an empty profile.
type enrolmentJSON struct {
	ID                   string       `json:"id"`
	ProgrammeID          string       `json:"programme_id"`
	Person               personJSON   `json:"person"`
	Role                 string       `json:"role"`
	State                string       `json:"state"`
	Topics               []string     `json:"topics"`
	TopicsOther          string       `json:"topics_other"`
	Goals                string       `json:"goals"`
	Languages            []string     `json:"languages"`
	TimeZone             string       `json:"time_zone"`
	Availability         string       `json:"availability"`
	Capacity             int          `json:"capacity"`
	ExcludeReportingLine bool         `json:"exclude_reporting_line"`
	Exclusions           []personJSON `json:"exclusions"`
	EnrolledAt           time.Time    `json:"enrolled_at"`
	UpdatedAt            time.Time    `json:"updated_at"`
	WithdrawnAt          *time.Time   `json:"withdrawn_at"`
	CanUpdate            bool         `json:"can_update"`
}

func list(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func enrolmentOut(v *service.EnrolmentView) enrolmentJSON {
	return enrolmentJSON{ID: v.ID, ProgrammeID: v.ProgrammeID, Person: personJSON{ID: v.Person.ID, Name: v.Person.Name, Email: v.Person.Email},
		Role: string(v.Role), State: v.State(), Topics: list(v.Topics), TopicsOther: v.TopicsOther, Goals: v.Goals,
		Languages: list(v.Languages), TimeZone: v.TimeZone, Availability: v.Availability, Capacity: v.Capacity,
		ExcludeReportingLine: v.ExcludeReportingLine, Exclusions: peopleOut(v.Excluded), EnrolledAt: v.EnrolledAt,
		UpdatedAt: v.UpdatedAt, WithdrawnAt: v.WithdrawnAt, CanUpdate: v.Allowed.Has(policy.UpdateEnrolment)}
}

// enrolmentInputJSON is the caller's enrolment as they give it.
type enrolmentInputJSON struct {
	Role                 string   `json:"role"`
	Topics               []string `json:"topics"`
	TopicsOther          string   `json:"topics_other"`
	Goals                string   `json:"goals"`
	Languages            []string `json:"languages"`
	TimeZone             string   `json:"time_zone"`
	Availability         string   `json:"availability"`
	Capacity             int      `json:"capacity"`
	ExcludeReportingLine *bool    `json:"exclude_reporting_line"`
	Exclusions           []string `json:"exclusions"`
}

// Enrol serves PUT /api/v1/programmes/{id}/enrolment: the caller enrols
// (or changes their enrolment) with the profile given.
func (h *Handler) Enrol(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in enrolmentInputJSON) (enrolmentJSON, error) {
		return asJSON(enrolmentOut)(h.svc.Enrol(r.Context(), httpx.Principal(r), r.PathValue("id"), service.EnrolmentInput{
			Role: mentorvault.EnrolmentRole(in.Role), Topics: in.Topics, TopicsOther: in.TopicsOther, Goals: in.Goals,
			Languages: in.Languages, TimeZone: in.TimeZone, Availability: in.Availability, Capacity: in.Capacity,
			ExcludeReportingLine: in.ExcludeReportingLine, Exclusions: in.Exclusions}))
	})(w, r)
}

// MyEnrolment serves GET /api/v1/programmes/{id}/enrolment: the caller's
// own enrolment (404 if they never enrolled).
func (h *Handler) MyEnrolment(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (enrolmentJSON, error) {
		return asJSON(enrolmentOut)(h.svc.MyEnrolment(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

// WithdrawEnrolment serves DELETE /api/v1/programmes/{id}/enrolment: the
// caller withdraws; their profile is deleted, the fact that they enrolled
// and withdrew stays. It answers the withdrawn enrolment.
func (h *Handler) WithdrawEnrolment(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusOK, func(r *http.Request) (enrolmentJSON, error) {
		return asJSON(enrolmentOut)(h.svc.WithdrawEnrolment(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

type enrolmentListJSON struct {
	Enrolments []enrolmentJSON `json:"enrolments"`
	Limit      int             `json:"limit"`
	Offset     int             `json:"offset"`
	NextOffset *int            `json:"next_offset"`
}

// Enrolments serves GET /api/v1/programmes/{id}/enrolments?limit=&offset=:
// a page of the programme's enrolments with their profiles (its
// coordinators), those still enrolled first.
func (h *Handler) Enrolments(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (enrolmentListJSON, error) {
		limit, err := queryInt(r, "limit", 0)
		if err != nil {
			return enrolmentListJSON{}, err
		}
		offset, err := queryInt(r, "offset", 0)
		if err != nil {
			return enrolmentListJSON{}, err
		}
		l, err := h.svc.Enrolments(r.Context(), httpx.Principal(r), r.PathValue("id"), service.EnrolmentPageFilter{Limit: limit, Offset: offset})
		if err != nil {
			return enrolmentListJSON{}, err
		}
		out := enrolmentListJSON{Enrolments: make([]enrolmentJSON, len(l.Enrolments)), Limit: l.Limit, Offset: l.Offset}
		for i, v := range l.Enrolments {
			out.Enrolments[i] = enrolmentOut(v)
		}
		if l.More {
			next := l.Offset + len(l.Enrolments)
			out.NextOffset = &next
		}
		return out, nil
	})(w, r)
}
