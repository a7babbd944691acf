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

type askedRow struct {
	RequestedAt, AnsweredAt string
	Answered                bool
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
	Allowed         policy.Allowed
	Questions       []questionRow
	Text            mentorvault.Secret // the comments typed, shown again
	Error           string
}

// feedbackPage offers to ask for feedback when Cedar allows
// feedback.request (Rel.Allowed).
type feedbackPage struct {
	base
	Rel         *service.RelationshipView
	Other       service.Person
	Done        string
	OpenRequest bool
	Asked       []askedRow
	ToAnswer    []toAnswerRow
	Scale       []int
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
		Done: r.URL.Query().Get("done"), Scale: []int{1, 2, 3, 4, 5}}
	for i := len(fv.Asked) - 1; i >= 0; i-- {
		fr := fv.Asked[i]
		row := askedRow{RequestedAt: z.date(fr.RequestedAt.UTC())}
		if a := fv.Answers[fr.ID]; a != nil {
			row.Answered, row.AnsweredAt, row.Text, row.Damaged = true, z.date(a.CreatedAt.UTC()), a.Text, a.Damaged
			for _, q := range mentorvault.FeedbackQuestions {
				n := a.Ratings[q.Key]
				rr := ratingRow{Text: q.Text, Value: n}
				for k := 1; k <= 5; k++ {
					rr.Stars = append(rr.Stars, k <= n)
				}
				row.Ratings = append(row.Ratings, rr)
			}
		} else {
			pg.OpenRequest = true
		}
		pg.Asked = append(pg.Asked, row)
	}
	for _, fr := range fv.ToAnswer {
		row := toAnswerRow{ID: fr.ID, RequestedAt: z.date(fr.RequestedAt.UTC()), Allowed: fv.Allowed[fr.ID]}
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
	if _, err := h.svc.RequestFeedback(r.Context(), httpx.Principal(r), id); err != nil {
		return err
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
		out.Rows = append(out.Rows, aggRow{Text: a.Text, Responses: a.Responses, Mean: fmt.Sprintf("%.1f", a.Mean), Withheld: a.Withheld, Why: a.Why, AsOf: a.AsOf})
	}
	return out
}
