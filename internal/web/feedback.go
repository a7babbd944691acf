package web

import (
	"fmt"
	"net/http"
	"time"
	_ "time/tzdata" // the time-zone choices of the meeting forms work without a system zoneinfo

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

type ratingRow struct {
	Text  string
	Value int
	Stars []bool
}

// askedRow is a request and its answer: one the viewer asked (or was
// offered), or one they answered (Given).
type askedRow struct {
	RequestedAt, AnsweredAt string
	Answered                bool
	Offered                 bool // the answerer gave it unasked
	Ratings                 []ratingRow
	Text                    mentorvault.Secret
	Damaged                 bool // the answer did not open: changed outside mentorvault
}

type questionRow struct {
	Key, Text string
	Selected  int
	Error     bool
}

// toAnswerRow is a request the viewer is asked to answer; its form shows
// when Cedar allows feedback.answer on it (Allowed).
type toAnswerRow struct {
	ID, RequestedAt string
	Offered         bool // the viewer's own form, opened unasked
	Allowed         policy.Allowed
	Questions       []questionRow
	Text            mentorvault.Secret // the comments typed, shown again
	Error           string
}

// feedbackPage offers to ask for feedback, or to the mentee to give it
// unasked (Offer), when Cedar allows feedback.request (Rel.Allowed).
type feedbackPage struct {
	base
	Rel         *service.RelationshipView
	Other       service.Person
	Done        string
	Offer       bool // the viewer is the mentee: feedback.request opens their own form
	OpenRequest bool // the viewer asked and the answer is open
	Asked       []askedRow
	Given       []askedRow // the answers the viewer gave, newest first
	ToAnswer    []toAnswerRow
	Scale       []int
	K           int // the programme's k threshold; 0 when informal
}

// answeredRow is fr with its answer a, for reading.
func answeredRow(fr *mentorvault.FeedbackRequest, a *service.AnswerView, z zone) askedRow {
	row := askedRow{RequestedAt: z.date(fr.RequestedAt.UTC()), Offered: fr.Offered}
	if a == nil {
		return row
	}
	row.Answered, row.AnsweredAt, row.Text, row.Damaged = true, z.date(a.CreatedAt.UTC()), a.Text, a.Damaged
	for _, q := range mentorvault.FeedbackQuestions {
		n := a.Ratings[q.Key]
		rr := ratingRow{Text: q.Text, Value: n}
		for k := 1; k <= 5; k++ {
			rr.Stars = append(rr.Stars, k <= n)
		}
		row.Ratings = append(row.Ratings, rr)
	}
	return row
}

func (h *Handler) feedbackPage(r *http.Request) (*feedbackPage, error) {
	z := h.zone(r)
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	fv, err := h.svc.Feedback(r.Context(), p, v.ID)
	if err != nil {
		return nil, err
	}
	pg := &feedbackPage{base: h.base(r, "Feedback on the mentoring"), Rel: v, Other: v.Other(p.UserID),
		Done: r.URL.Query().Get("done"), Scale: []int{1, 2, 3, 4, 5}, K: fv.K,
		Offer: v.Kind != mentorvault.KindPeer && p.UserID == v.MenteeID}
	for i := len(fv.Asked) - 1; i >= 0; i-- {
		fr := fv.Asked[i]
		row := answeredRow(fr, fv.Answers[fr.ID], z)
		if !row.Answered && !fr.Offered {
			pg.OpenRequest = true
		}
		if row.Answered || !fr.Offered { // an offer not yet filled in is the other's draft: not shown
			pg.Asked = append(pg.Asked, row)
		}
	}
	for i := len(fv.Given) - 1; i >= 0; i-- {
		pg.Given = append(pg.Given, answeredRow(fv.Given[i], fv.Answers[fv.Given[i].ID], z))
	}
	for _, fr := range fv.ToAnswer {
		row := toAnswerRow{ID: fr.ID, RequestedAt: z.date(fr.RequestedAt.UTC()), Offered: fr.Offered, Allowed: fv.Allowed[fr.ID]}
		for _, q := range mentorvault.FeedbackQuestions {
			row.Questions = append(row.Questions, questionRow{Key: q.Key, Text: q.Text})
		}
		pg.ToAnswer = append(pg.ToAnswer, row)
	}
	return pg, nil
}

func (h *Handler) Feedback(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.feedbackPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "feedback.html", pg)
	return nil
}

func (h *Handler) RequestFeedback(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	fr, err := h.svc.RequestFeedback(r.Context(), httpx.Principal(r), id)
	if err != nil {
		return err
	}
	if fr.Offered {
		http.Redirect(w, r, relPath(id)+"/feedback?done=offered#fa-"+fr.ID, http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, relPath(id)+"/feedback?done=asked", http.StatusSeeOther)
	return nil
}

func (h *Handler) AnswerFeedback(w http.ResponseWriter, r *http.Request) error {
	id, rid := r.PathValue("id"), r.PathValue("requestID")
	return submit(w, r, form.ParseFeedback, func(ans mentorvault.FeedbackAnswer) (string, error) {
		err := h.svc.AnswerFeedback(r.Context(), httpx.Principal(r), id, rid, ans)
		return relPath(id) + "/feedback?done=answered", err
	}, func(bad refused) error {
		pg, err := h.feedbackPage(r)
		if err != nil {
			return err
		}
		ans, _ := form.ParseFeedback(r.PostForm)
		fields := mentorvault.ErrorFields(bad.Err)
		for i := range pg.ToAnswer {
			if pg.ToAnswer[i].ID != rid {
				continue
			}
			row := &pg.ToAnswer[i]
			row.Text, row.Error = mentorvault.NewSecret(ans.Text), "Please answer every question with a rating from 1 to 5."
			if t := fields["text"]; t != "" {
				row.Error = "Your comments " + t + "."
			}
			for j := range row.Questions {
				row.Questions[j].Selected = ans.Ratings[row.Questions[j].Key]
				row.Questions[j].Error = fields["ratings."+row.Questions[j].Key] != ""
			}
		}
		h.render(w, r, bad.status(), "feedback.html", pg)
		return nil
	})
}

type aggRow struct {
	Text      string
	Responses int
	People    int
	Mean      string
	Withheld  bool
	Why       string
	AsOf      time.Time
}

type feedbackAggs struct {
	K    int
	Rows []aggRow
}

// feedbackFigures is the programme's anonymous feedback figures as the
// page shows them (the service withheld those below k).
func feedbackFigures(as []mentorvault.Aggregate, k int) *feedbackAggs {
	out := &feedbackAggs{K: k}
	for _, a := range as {
		out.Rows = append(out.Rows, aggRow{Text: a.Text, Responses: a.Responses, People: a.People, Mean: fmt.Sprintf("%.1f", a.Mean), Withheld: a.Withheld, Why: a.Why, AsOf: a.AsOf})
	}
	return out
}
