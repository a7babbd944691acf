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
	RequestedAt time.Time           `json:"requested_at"`
	AnsweredAt  *time.Time          `json:"answered_at"`
	Answer      *feedbackAnswerJSON `json:"answer"`
}

type feedbackAnswerJSON struct {
	Ratings map[string]int `json:"ratings"`
	Text    string         `json:"text"`
	Damaged bool           `json:"damaged,omitempty"`
}

type feedbackJSON struct {
	ToAnswer []feedbackRequestJSON `json:"to_answer"`
	Asked    []feedbackRequestJSON `json:"asked"`
}

// feedbackOut is where feedback answers enter an API response: only on the
// requests the caller asked.
func feedbackOut(v *service.FeedbackView) feedbackJSON {
	out := feedbackJSON{ToAnswer: []feedbackRequestJSON{}, Asked: []feedbackRequestJSON{}}
	for _, fr := range v.ToAnswer {
		out.ToAnswer = append(out.ToAnswer, feedbackRequestJSON{fr.ID, fr.MentorID, fr.MenteeID, fr.RequestedAt, fr.AnsweredAt, nil})
	}
	for _, fr := range v.Asked {
		rj := feedbackRequestJSON{fr.ID, fr.MentorID, fr.MenteeID, fr.RequestedAt, fr.AnsweredAt, nil}
		if a := v.Answers[fr.ID]; a != nil {
			rj.Answer = &feedbackAnswerJSON{Ratings: a.Ratings, Text: a.Text.Reveal(), Damaged: a.Damaged}
		}
		out.Asked = append(out.Asked, rj)
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
// the new request.
func (h *Handler) RequestFeedback(w http.ResponseWriter, r *http.Request) error {
	return httpx.Call(http.StatusCreated, func(r *http.Request) (map[string]any, error) {
		return asJSON(func(fr *mentorvault.FeedbackRequest) map[string]any {
			return map[string]any{"id": fr.ID, "asker_id": fr.MentorID, "answerer_id": fr.MenteeID, "requested_at": fr.RequestedAt}
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
				n, m, at := a.Responses, a.Mean, a.AsOf
				aj.Responses, aj.Mean, aj.AsOf = &n, &m, &at
			}
			out = append(out, aj)
		}
		return map[string]any{"k_threshold": k, "figures": out}, nil
	})(w, r)
}
