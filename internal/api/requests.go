package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type requestJSON struct {
	ID           string     `json:"id"`
	Requester    personJSON `json:"requester"`
	Asked        personJSON `json:"asked"`
	Subject      personJSON `json:"subject"`
	Purpose      string     `json:"purpose"`
	Question     string     `json:"question"`
	Deadline     time.Time  `json:"deadline"`
	Status       string     `json:"status"`
	DeclineReply string     `json:"decline_reply"`
	StatementID  *string    `json:"statement_id"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Damaged      bool       `json:"damaged,omitempty"` // changed outside mentorvault: its sealed text does not open and is empty
}

// requestOut is where a request's question enters a response to the pair.
func requestOut(v *service.RequestView) requestJSON {
	return requestJSON{ID: v.ID, Requester: person(v.Requester), Asked: person(v.Asked), Subject: person(v.Subject), Purpose: v.Purpose,
		Question: v.Question.Reveal(), Damaged: v.Damaged, Deadline: v.Deadline, Status: string(v.Status), DeclineReply: v.DeclineReply,
		StatementID: optString(v.StatementID), CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
}

type thirdPartiesJSON struct {
	Requests   []requestJSON   `json:"requests"`
	Statements []statementJSON `json:"statements"`
	ThreeWays  []threeWayJSON  `json:"three_way_meetings"`
	Manager    *personJSON     `json:"line_manager"`
	More       bool            `json:"more"`
}

func thirdPartiesOut(v *service.ThirdPartyView) thirdPartiesJSON {
	out := thirdPartiesJSON{Requests: []requestJSON{}, Statements: []statementJSON{}, ThreeWays: []threeWayJSON{}, More: v.More}
	for _, q := range v.Requests {
		out.Requests = append(out.Requests, requestOut(q))
	}
	for _, st := range v.Statements {
		out.Statements = append(out.Statements, statementOut(st))
	}
	for _, m := range v.ThreeWays {
		out.ThreeWays = append(out.ThreeWays, threeWayOut(m))
	}
	if v.Manager != nil {
		p := person(*v.Manager)
		out.Manager = &p
	}
	return out
}

// ThirdParties serves GET /api/v1/relationships/{id}/third-parties: a page
// (limit, offset, applied to each list) of the pair's input requests,
// statements and three-way meetings, and the line manager.
func (h *Handler) ThirdParties(w http.ResponseWriter, r *http.Request) error {
	return httpx.Paged(h.thirdParties)(w, r)
}

func (h *Handler) thirdParties(r *http.Request, p httpx.Page) (thirdPartiesJSON, error) {
	offset, err := httpx.ParseOffset(r)
	if err != nil {
		return thirdPartiesJSON{}, err
	}
	f := service.PageFilter{Limit: p.Limit, Offset: offset}
	return asJSON(thirdPartiesOut)(h.svc.ThirdParties(r.Context(), httpx.Principal(r), r.PathValue("id"), f))
}

type myRequestJSON struct {
	ID             string     `json:"id"`
	RelationshipID string     `json:"relationship_id"`
	Asked          personJSON `json:"asked"`
	Subject        personJSON `json:"subject"`
	Purpose        string     `json:"purpose"`
	Question       string     `json:"question"`
	Deadline       time.Time  `json:"deadline"`
	Status         string     `json:"status"`
	DeclineReply   string     `json:"decline_reply"`
	StatementID    *string    `json:"statement_id"`
	CreatedAt      time.Time  `json:"created_at"`
	Damaged        bool       `json:"damaged,omitempty"` // changed outside mentorvault: its sealed text does not open and is empty
}

func myRequestOut(m *service.MyRequest) myRequestJSON {
	return myRequestJSON{ID: m.ID, RelationshipID: m.RelationshipID, Asked: person(m.Asked), Subject: person(m.Subject), Purpose: m.Purpose,
		Question: m.Question.Reveal(), Damaged: m.Damaged, Deadline: m.Deadline, Status: string(m.Status), DeclineReply: m.DeclineReply, StatementID: optString(m.StatementID),
		CreatedAt: m.CreatedAt}
}

type inputRequestJSON struct {
	AskedID    string     `json:"asked_id"`
	AskedEmail string     `json:"asked_email"`
	Purpose    string     `json:"purpose"`
	Question   string     `json:"question"`
	Deadline   *time.Time `json:"deadline"`
}

// RequestInput serves POST /api/v1/relationships/{id}/input-requests: 201
// with the request for a statement about the pair.
func (h *Handler) RequestInput(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in inputRequestJSON) (myRequestJSON, error) {
		si := service.InputRequestInput{AskedID: in.AskedID, AskedEmail: in.AskedEmail, Purpose: in.Purpose, Question: in.Question}
		if in.Deadline != nil {
			si.Deadline = *in.Deadline
		}
		return asJSON(myRequestOut)(h.svc.RequestInput(r.Context(), httpx.Principal(r), r.PathValue("id"), si))
	})(w, r)
}

// MyRequests serves GET /api/v1/input-requests: a page (limit, offset) of
// the requests the caller made, newest first.
func (h *Handler) MyRequests(w http.ResponseWriter, r *http.Request) error {
	return httpx.Paged(func(r *http.Request, p httpx.Page) (map[string]any, error) {
		offset, err := httpx.ParseOffset(r)
		if err != nil {
			return nil, err
		}
		l, err := h.svc.MyRequests(r.Context(), httpx.Principal(r), service.PageFilter{Limit: p.Limit, Offset: offset})
		if err != nil {
			return nil, err
		}
		out := []myRequestJSON{}
		for _, m := range l.Requests {
			out = append(out, myRequestOut(m))
		}
		return map[string]any{"requests": out, "more": l.More}, nil
	})(w, r)
}

type declineJSON struct {
	Reply string `json:"reply"`
}

// DeclineRequest serves POST /api/v1/relationships/{id}/input-requests/{requestID}/decline:
// answers the pair's third parties, as ThirdParties.
func (h *Handler) DeclineRequest(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in declineJSON) (thirdPartiesJSON, error) {
		if _, err := h.svc.DeclineRequest(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("requestID"), in.Reply); err != nil {
			return thirdPartiesJSON{}, err
		}
		return h.thirdParties(r, httpx.Page{Limit: httpx.DefaultLimit}) // the first page
	})(w, r)
}
