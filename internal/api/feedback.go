package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type feedbackRequestJSON struct {
	ID          string              `json:"id"`
	AskerID     string              `json:"asker_id"`
	AnswererID  string              `json:"answerer_id"`
	Offered     bool                `json:"offered"`
	RequestedAt time.Time           `json:"requested_at"`
	AnsweredAt  *time.Time          `json:"answered_at"`
	Answer      *feedbackAnswerJSON `json:"answer"`
}

func feedbackRequestOut(fr *mentorvault.FeedbackRequest) feedbackRequestJSON {
	return feedbackRequestJSON{ID: fr.ID, AskerID: fr.MentorID, AnswererID: fr.MenteeID, Offered: fr.Offered, RequestedAt: fr.RequestedAt, AnsweredAt: fr.AnsweredAt}
}

type feedbackAnswerJSON struct {
	Ratings map[string]int `json:"ratings"`
	Text    string         `json:"text"`
	Damaged bool           `json:"damaged,omitempty"`
}

type feedbackJSON struct {
	ToAnswer []feedbackRequestJSON `json:"to_answer"`
	Asked    []feedbackRequestJSON `json:"asked"`
	Given    []feedbackRequestJSON `json:"given"`
	K        int                   `json:"k_threshold"`
}

// feedbackOut is where feedback answers enter an API response: only on the
// requests the caller asked (or was offered) and those they answered.
func feedbackOut(v *service.FeedbackView) feedbackJSON {
	out := feedbackJSON{ToAnswer: []feedbackRequestJSON{}, Asked: []feedbackRequestJSON{}, Given: []feedbackRequestJSON{}, K: v.K}
	for _, fr := range v.ToAnswer {
		out.ToAnswer = append(out.ToAnswer, feedbackRequestOut(fr))
	}
	withAnswer := func(fr *mentorvault.FeedbackRequest) feedbackRequestJSON {
		rj := feedbackRequestOut(fr)
		if a := v.Answers[fr.ID]; a != nil {
			rj.Answer = &feedbackAnswerJSON{Ratings: a.Ratings, Text: a.Text.Reveal(), Damaged: a.Damaged}
		}
		return rj
	}
	for _, fr := range v.Asked {
		out.Asked = append(out.Asked, withAnswer(fr))
	}
	for _, fr := range v.Given {
		out.Given = append(out.Given, withAnswer(fr))
	}
	return out
}

// Feedback serves GET /api/v1/relationships/{id}/feedback: the requests the
// caller is to answer and those they asked, with answers.
func (h *Handler) Feedback(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (feedbackJSON, error) {
		return asJSON(feedbackOut)(h.svc.Feedback(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

// RequestFeedback serves POST /api/v1/relationships/{id}/feedback: 201 with
// the new request: the mentor's (either peer partner's) request to the
// other, or the mentee's own form to give feedback unasked (offered).
func (h *Handler) RequestFeedback(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusCreated, func(r *http.Request) (map[string]any, error) {
		return asJSON(func(fr *mentorvault.FeedbackRequest) map[string]any {
			return map[string]any{"id": fr.ID, "asker_id": fr.MentorID, "answerer_id": fr.MenteeID, "offered": fr.Offered, "requested_at": fr.RequestedAt}
		})(h.svc.RequestFeedback(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

// AnswerFeedback serves POST /api/v1/relationships/{id}/feedback/{requestID}/answer: 204.
func (h *Handler) AnswerFeedback(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSONNoContent(func(r *http.Request, in mentorvault.FeedbackAnswer) error {
		return h.svc.AnswerFeedback(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("requestID"), in)
	})(w, r)
}

type aggregateJSON struct {
	Key       string     `json:"key"`
	Question  string     `json:"question"`
	Responses *int       `json:"responses"`
	People    *int       `json:"people"`
	Mean      *float64   `json:"mean"`
	Withheld  bool       `json:"withheld"`
	Why       string     `json:"why,omitempty"`
	AsOf      *time.Time `json:"as_of"`
}

// FeedbackAggregates serves GET /api/v1/programmes/{id}/feedback: the
// programme's figures, each withheld below the k threshold.
func (h *Handler) FeedbackAggregates(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		aggs, k, err := h.svc.FeedbackAggregates(r.Context(), httpx.Principal(r), r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		out := []aggregateJSON{}
		for _, a := range aggs {
			aj := aggregateJSON{Key: a.Key, Question: a.Text, Withheld: a.Withheld, Why: a.Why}
			if !a.Withheld {
				n, pp, m, at := a.Responses, a.People, a.Mean, a.AsOf
				aj.Responses, aj.People, aj.Mean, aj.AsOf = &n, &pp, &m, &at
			}
			out = append(out, aj)
		}
		return map[string]any{"k_threshold": k, "figures": out}, nil
	})(w, r)
}
