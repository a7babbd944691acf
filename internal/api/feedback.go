package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
)

func (h *Handler) Feedback(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.Feedback(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	type reqJSON struct {
		ID          string                      `json:"id"`
		AskerID     string                      `json:"asker_id"`
		AnswererID  string                      `json:"answerer_id"`
		RequestedAt time.Time                   `json:"requested_at"`
		AnsweredAt  *time.Time                  `json:"answered_at"`
		Answer      *mentorvault.FeedbackAnswer `json:"answer"`
	}
	out := struct {
		ToAnswer []reqJSON `json:"to_answer"`
		Asked    []reqJSON `json:"asked"`
	}{ToAnswer: []reqJSON{}, Asked: []reqJSON{}}
	for _, fr := range v.ToAnswer {
		out.ToAnswer = append(out.ToAnswer, reqJSON{fr.ID, fr.MentorID, fr.MenteeID, fr.RequestedAt, fr.AnsweredAt, nil})
	}
	for _, fr := range v.Asked {
		rj := reqJSON{fr.ID, fr.MentorID, fr.MenteeID, fr.RequestedAt, fr.AnsweredAt, nil}
		if a := v.Answers[fr.ID]; a != nil {
			rj.Answer = &a.Answer
		}
		out.Asked = append(out.Asked, rj)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) RequestFeedback(w http.ResponseWriter, r *http.Request) error {
	fr, err := h.svc.RequestFeedback(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"id": fr.ID, "asker_id": fr.MentorID, "answerer_id": fr.MenteeID, "requested_at": fr.RequestedAt})
	return nil
}

func (h *Handler) AnswerFeedback(w http.ResponseWriter, r *http.Request) error {
	var in mentorvault.FeedbackAnswer
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if err := h.svc.AnswerFeedback(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("requestID"), in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) FeedbackAggregates(w http.ResponseWriter, r *http.Request) error {
	aggs, k, err := h.svc.FeedbackAggregates(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	type aggJSON struct {
		Key       string   `json:"key"`
		Question  string   `json:"question"`
		Responses *int     `json:"responses"`
		Mean      *float64 `json:"mean"`
		Withheld  bool     `json:"withheld"`
	}
	out := []aggJSON{}
	for _, a := range aggs {
		aj := aggJSON{Key: a.Key, Question: a.Text, Withheld: a.Withheld}
		if !a.Withheld {
			n, m := a.Responses, a.Mean
			aj.Responses, aj.Mean = &n, &m
		}
		out = append(out, aj)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"k_threshold": k, "figures": out})
	return nil
}
