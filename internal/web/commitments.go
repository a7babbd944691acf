package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // the time-zone choices of the meeting forms work without a system zoneinfo

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

// commitmentRow is a commitment as a page lists it. Its buttons show when
// Cedar allows commitment.update on the relationship (the page's
// Rel.Allowed) and the commitment's own state allows the step for the viewer
// (its CanAccept, CanClose and CanDrop, which the service's Accept and Close
// apply too), both asked by the template.
type commitmentRow struct {
	*mentorvault.Commitment
	Me             string // the viewer, of whom CanAccept and CanClose ask
	OwnerName, Due string
	StatusLabel    string
	Overdue        bool
}

type commitmentForm struct {
	Owner, Description, Due, GoalID string
	Error                           string
}

func commitmentRowOf(c *mentorvault.Commitment, v *service.RelationshipView, me string, now time.Time) commitmentRow {
	row := commitmentRow{Commitment: c, Me: me, OwnerName: nameOf(v, c.OwnerID, me), Due: c.DueAt.UTC().Format("Mon 2 Jan 2006"),
		StatusLabel: title(string(c.Status)), Overdue: c.IsOverdue(now)}
	if c.Status == mentorvault.CommitmentProposed {
		row.StatusLabel = "Proposed — waiting for " + nameOf(v, c.OwnerID, me)
		if c.OwnerID == me {
			row.StatusLabel = "Proposed to you"
		}
	}
	return row
}

// typedCommitment is the commitment form as it was posted, to show again.
func typedCommitment(v url.Values) commitmentForm {
	f := commitmentForm{Owner: v.Get("owner"), Description: v.Get("description"), Due: strings.TrimSpace(v.Get("due")), GoalID: v.Get("goal_id")}
	if f.Owner != "other" {
		f.Owner = "me"
	}
	return f
}

// parseCommitment reads the commitment form of a party of v.
func parseCommitment(r *http.Request, v *service.RelationshipView) func(url.Values) (service.CommitmentInput, form.Problems) {
	me := httpx.Principal(r).UserID
	return func(vals url.Values) (service.CommitmentInput, form.Problems) {
		return form.ParseCommitment(vals, me, v.Other(me).ID)
	}
}

// refusedCommitment is the typed form with why it was refused, in one message.
func refusedCommitment(v url.Values, bad refused) commitmentForm {
	f := typedCommitment(v)
	err := bad.Err
	if err == nil {
		err = mentorvault.Invalid("the commitment is not valid", bad.Problems)
	}
	f.Error = commitmentError(err)
	return f
}

func commitmentError(err error) string {
	names := map[string]string{"description": "What is promised", "due": "The due date", "due_at": "The due date", "owner_id": "Who promises",
		"goal_id": "The goal", "meeting_id": "The meeting"}
	msg := mentorvault.ErrorMessage(err)
	for k, v := range mentorvault.ErrorFields(err) {
		n := names[k]
		if n == "" {
			n = k
		}
		msg += ". " + n + " " + v
	}
	return msg + "."
}

func (h *Handler) MeetingCommitment(w http.ResponseWriter, r *http.Request) error {
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	return submit(w, r, parseCommitment(r, v), func(in service.CommitmentInput) (string, error) {
		in.MeetingID = r.PathValue("meetingID")
		_, err := h.svc.CreateCommitment(r.Context(), p, v.ID, in)
		return meetingPath(r) + "?done=commitment#session-commitments", err
	}, func(bad refused) error {
		pg, err := h.meetingPage(r)
		if err != nil {
			return err
		}
		pg.CForm = refusedCommitment(r.PostForm, bad)
		h.render(w, r, bad.status(), "meeting.html", pg)
		return nil
	})
}

// goalOpt is a goal to choose in the commitment form; its label is the
// goal's sealed title.
type goalOpt struct {
	Value    string
	Label    mentorvault.Secret
	Selected bool
}

type partyFigure struct {
	Name, Text string
}

// commitmentsPage offers the new-commitment form when Cedar allows
// commitment.create (Rel.Allowed).
type commitmentsPage struct {
	base
	Rel         *service.RelationshipView
	Other       service.Person
	Done        string
	Rows        []commitmentRow
	FollowUp    []partyFigure
	Form        commitmentForm
	Goals       []goalOpt
	ListError   string
	OtherIsName string
}

func (h *Handler) commitmentsPage(r *http.Request) (*commitmentsPage, error) {
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	cv, err := h.svc.Commitments(r.Context(), p, v.ID)
	if err != nil {
		return nil, err
	}
	pg := &commitmentsPage{base: h.base(r, "Commitments"), Rel: v, Other: v.Other(p.UserID),
		Done: r.URL.Query().Get("done"), Form: commitmentForm{Owner: "me"}}
	now := time.Now()
	for _, c := range cv.Commitments {
		pg.Rows = append(pg.Rows, commitmentRowOf(c, v, p.UserID, now))
	}
	pg.FollowUp = []partyFigure{{nameOf(v, v.MentorID, p.UserID), followThroughText(cv.Mentor)}, {nameOf(v, v.MenteeID, p.UserID), followThroughText(cv.Mentee)}}
	if gs, err := h.svc.Goals(r.Context(), p, v.ID); err == nil {
		pg.Goals = []goalOpt{{Value: "", Label: mentorvault.NewSecret("No goal")}}
		for _, g := range gs {
			if g.Status == mentorvault.GoalActive {
				pg.Goals = append(pg.Goals, goalOpt{Value: g.ID, Label: g.Title})
			}
		}
	}
	return pg, nil
}

func (h *Handler) Commitments(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.commitmentsPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "commitments.html", pg)
	return nil
}

func (h *Handler) CreateCommitment(w http.ResponseWriter, r *http.Request) error {
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	return submit(w, r, parseCommitment(r, v), func(in service.CommitmentInput) (string, error) {
		if _, err := h.svc.CreateCommitment(r.Context(), p, v.ID, in); err != nil {
			return "", err
		}
		if in.GoalID != "" && r.PostFormValue("back") == "goals" {
			return relPath(v.ID) + "/goals?done=commitment#goal-" + url.PathEscape(in.GoalID), nil
		}
		return relPath(v.ID) + "/commitments?done=created#commitments", nil
	}, func(bad refused) error {
		pg, err := h.commitmentsPage(r)
		if err != nil {
			return err
		}
		pg.Form = refusedCommitment(r.PostForm, bad)
		for i := range pg.Goals {
			pg.Goals[i].Selected = pg.Goals[i].Value == pg.Form.GoalID
		}
		h.render(w, r, bad.status(), "commitments.html", pg)
		return nil
	})
}

func (h *Handler) UpdateCommitment(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	c, err := h.svc.UpdateCommitment(r.Context(), httpx.Principal(r), id, r.PathValue("commitmentID"), mentorvault.CommitmentStatus(r.PostFormValue("status")))
	if err != nil {
		return err
	}
	back := relPath(id) + "/commitments?done=" + string(c.Status) + "#c-" + c.ID
	if r.PostFormValue("back") == "meeting" && c.MeetingID != "" {
		back = relPath(id) + "/meetings/" + c.MeetingID + "?done=c-" + string(c.Status) + "#session-commitments"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
