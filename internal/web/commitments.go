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
)

type commitmentRow struct {
	ID, Description, OwnerName, Due, Status, StatusLabel string
	Mine, CanAccept, CanClose, CanDrop, Overdue          bool
	MeetingID, GoalID                                    string
}

type commitmentForm struct {
	Owner, Description, Due, GoalID string
	Error                           string
}

func commitmentRowOf(c *mentorvault.Commitment, v *service.RelationshipView, me string, now time.Time) commitmentRow {
	row := commitmentRow{ID: c.ID, Description: c.Description.Reveal(), OwnerName: nameOf(v, c.OwnerID, me), Due: c.DueAt.UTC().Format("Mon 2 Jan 2006"),
		Status: string(c.Status), StatusLabel: title(string(c.Status)), Mine: c.OwnerID == me, MeetingID: c.MeetingID, GoalID: c.GoalID}
	if c.Status == mentorvault.CommitmentProposed {
		row.StatusLabel = "Proposed — waiting for " + nameOf(v, c.OwnerID, me)
		if row.Mine {
			row.StatusLabel = "Proposed to you"
		}
	}
	active := v.Status == mentorvault.StatusActive
	row.CanAccept = active && row.Mine && c.Status == mentorvault.CommitmentProposed
	row.CanClose = active && row.Mine && c.Status == mentorvault.CommitmentOpen
	row.CanDrop = active && (c.Status == mentorvault.CommitmentOpen || c.Status == mentorvault.CommitmentProposed)
	row.Overdue = c.Status == mentorvault.CommitmentOpen && c.DueAt.Before(now)
	return row
}

// commitmentInput reads the commitment form; owner is "me" or "other".
func (h *Handler) commitmentInput(r *http.Request, v *service.RelationshipView) (service.CommitmentInput, commitmentForm, error) {
	me := httpx.Principal(r).UserID
	f := commitmentForm{Owner: r.PostFormValue("owner"), Description: r.PostFormValue("description"), Due: strings.TrimSpace(r.PostFormValue("due")), GoalID: r.PostFormValue("goal_id")}
	in := service.CommitmentInput{OwnerID: me, Description: f.Description, GoalID: f.GoalID}
	if f.Owner == "other" {
		in.OwnerID = v.Other(me).ID
	} else {
		f.Owner = "me"
	}
	if f.Due == "" {
		return in, f, mentorvault.Invalid("the commitment is not valid", map[string]string{"due": "is required: by when is it promised?"})
	}
	d, err := time.Parse("2006-01-02", f.Due)
	if err != nil {
		return in, f, mentorvault.Invalid("the commitment is not valid", map[string]string{"due": "must be a date like 2026-03-01"})
	}
	in.DueAt = d.Add(24*time.Hour - time.Minute) // by the end of that day (UTC)
	return in, f, nil
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
	in, f, err := h.commitmentInput(r, v)
	if err == nil {
		in.MeetingID = r.PathValue("meetingID")
		_, err = h.svc.CreateCommitment(r.Context(), p, v.ID, in)
	}
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := h.meetingPage(r)
		if perr != nil {
			return perr
		}
		f.Error = commitmentError(err)
		pg.CForm = f
		h.render(w, r, http.StatusBadRequest, "meeting.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, meetingPath(r)+"?done=commitment#session-commitments", http.StatusSeeOther)
	return nil
}

type partyFigure struct {
	Name, Text string
}

type commitmentsPage struct {
	base
	Rel         *service.RelationshipView
	Other       service.Person
	Active      bool
	Done        string
	Rows        []commitmentRow
	FollowUp    []partyFigure
	Form        commitmentForm
	Goals       []opt
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
		return nil, h.hideFromOutsider(v, p, err)
	}
	pg := &commitmentsPage{base: h.base(r, "Commitments"), Rel: v, Other: v.Other(p.UserID), Active: v.Status == mentorvault.StatusActive,
		Done: r.URL.Query().Get("done"), Form: commitmentForm{Owner: "me"}}
	now := time.Now()
	for _, c := range cv.Commitments {
		pg.Rows = append(pg.Rows, commitmentRowOf(c, v, p.UserID, now))
	}
	pg.FollowUp = []partyFigure{{nameOf(v, v.MentorID, p.UserID), followThroughText(cv.Mentor)}, {nameOf(v, v.MenteeID, p.UserID), followThroughText(cv.Mentee)}}
	if gs, err := h.svc.Goals(r.Context(), p, v.ID); err == nil {
		pg.Goals = []opt{{Value: "", Label: "No goal"}}
		for _, g := range gs {
			if g.Status == mentorvault.GoalActive {
				pg.Goals = append(pg.Goals, opt{Value: g.ID, Label: g.Title.Reveal()})
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
	in, f, err := h.commitmentInput(r, v)
	if err == nil {
		_, err = h.svc.CreateCommitment(r.Context(), p, v.ID, in)
	}
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := h.commitmentsPage(r)
		if perr != nil {
			return perr
		}
		f.Error = commitmentError(err)
		pg.Form = f
		for i := range pg.Goals {
			pg.Goals[i].Selected = pg.Goals[i].Value == f.GoalID
		}
		h.render(w, r, http.StatusBadRequest, "commitments.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	back := relPath(v.ID) + "/commitments?done=created#commitments"
	if f.GoalID != "" && r.PostFormValue("back") == "goals" {
		back = relPath(v.ID) + "/goals?done=commitment#goal-" + url.PathEscape(f.GoalID)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
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
