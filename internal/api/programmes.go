package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
)

type programmeFullJSON struct {
	ID              string                        `json:"id"`
	Name            string                        `json:"name"`
	Description     string                        `json:"description"`
	Kind            string                        `json:"kind"`
	EnrolmentOpen   bool                          `json:"enrolment_open"`
	DefaultCapacity int                           `json:"default_capacity"`
	Archived        bool                          `json:"archived"`
	ArchivedAt      *time.Time                    `json:"archived_at"`
	CreatedAt       time.Time                     `json:"created_at"`
	Topics          []string                      `json:"topics"`
	Coordinators    []personJSON                  `json:"coordinators"`
	Supervisors     []personJSON                  `json:"supervisors"`
	Settings        mentorvault.ProgrammeSettings `json:"settings"`
	Guidelines      *guidelinesJSON               `json:"guidelines"`
	CanEdit         bool                          `json:"can_edit"`
	Can             programmeCan                  `json:"can"`
}

// programmeCan is what Cedar lets the caller do to the programme.
type programmeCan struct {
	Edit      bool `json:"edit"`      // guidelines and settings
	Update    bool `json:"update"`    // name, description, kind, capacity, archive
	Enrolment bool `json:"enrolment"` // open or close enrolment
	Staff     bool `json:"staff"`     // coordinators and supervisors
	Enrol     bool `json:"enrol"`     // enrol (while enrolment is open)
	// ListEnrolments: see who enrolled, with their profiles (coordinators).
	ListEnrolments bool `json:"list_enrolments"`
}

type guidelinesJSON struct {
	Version   int       `json:"version"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func guidelinesOut(g *mentorvault.Guidelines) *guidelinesJSON {
	if g == nil {
		return nil
	}
	return &guidelinesJSON{Version: g.Version, Body: g.Body, CreatedAt: g.CreatedAt}
}

func peopleOut(ps []service.Person) []personJSON {
	out := make([]personJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, personJSON{ID: p.ID, Name: p.Name, Email: p.Email})
	}
	return out
}

func programmeOut(v *service.ProgrammeView) programmeFullJSON {
	return programmeFullJSON{ID: v.ID, Name: v.Name, Description: v.Description, Kind: string(v.Kind),
		EnrolmentOpen: v.EnrolmentOpen, DefaultCapacity: v.DefaultCapacity, Topics: list(v.Topics), Archived: v.Archived(), ArchivedAt: v.ArchivedAt,
		CreatedAt: v.CreatedAt, Coordinators: peopleOut(v.Coordinators), Supervisors: peopleOut(v.Supervisors),
		Settings: v.Settings, Guidelines: guidelinesOut(v.Guidelines), CanEdit: v.Allowed.Has(policy.EditProgramme),
		Can: programmeCan{Edit: v.Allowed.Has(policy.EditProgramme), Update: v.Allowed.Has(policy.UpdateProgramme),
			Enrolment: v.Allowed.Has(policy.ProgrammeEnrolment), Staff: v.Allowed.Has(policy.ProgrammeStaff),
			Enrol: v.Allowed.Has(policy.ProgrammeEnrol), ListEnrolments: v.Allowed.Has(policy.ListEnrolments)}}
}

// Programme serves GET /api/v1/programmes/{id}: what it is, who runs it,
// its settings, latest guidelines and what the caller may change.
func (h *Handler) Programme(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (programmeFullJSON, error) {
		return asJSON(programmeOut)(h.svc.Programme(r.Context(), httpx.Principal(r), r.PathValue("id")))
	})(w, r)
}

type programmeItemJSON struct {
	ID              string     `json:"id"`
	Name            string     `json:"name"`
	Kind            string     `json:"kind"`
	EnrolmentOpen   bool       `json:"enrolment_open"`
	DefaultCapacity int        `json:"default_capacity"`
	Archived        bool       `json:"archived"`
	ArchivedAt      *time.Time `json:"archived_at"`
	Roles           []string   `json:"roles"`
}

type programmeListJSON struct {
	Programmes []programmeItemJSON `json:"programmes"`
	CanCreate  bool                `json:"can_create"`
}

// Programmes serves GET /api/v1/programmes: every programme of the
// organisation for its admins, the ones they coordinate or supervise for
// anyone else.
func (h *Handler) Programmes(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (programmeListJSON, error) {
		l, err := h.svc.Programmes(r.Context(), httpx.Principal(r))
		if err != nil {
			return programmeListJSON{}, err
		}
		out := programmeListJSON{Programmes: []programmeItemJSON{}, CanCreate: l.Allowed.Has(policy.ManageProgrammes)}
		for _, it := range l.Programmes {
			roles := it.Roles
			if roles == nil {
				roles = []string{}
			}
			out.Programmes = append(out.Programmes, programmeItemJSON{ID: it.ID, Name: it.Name, Kind: string(it.Kind),
				EnrolmentOpen: it.EnrolmentOpen, DefaultCapacity: it.DefaultCapacity, Archived: it.Archived(), ArchivedAt: it.ArchivedAt, Roles: roles})
		}
		return out, nil
	})(w, r)
}

type newProgrammeJSON struct {
	Name            string `json:"name"`
	Description     string `json:"description"`
	Kind            string `json:"kind"`
	EnrolmentOpen   bool   `json:"enrolment_open"`
	DefaultCapacity int    `json:"default_capacity"`
}

// CreateProgramme serves POST /api/v1/programmes: 201 with the programme,
// its address in Location.
func (h *Handler) CreateProgramme(w http.ResponseWriter, r *http.Request) error {
	return httpx.Created(func(r *http.Request, in newProgrammeJSON) (programmeFullJSON, string, error) {
		v, err := h.svc.CreateProgramme(r.Context(), httpx.Principal(r), service.NewProgramme{Name: in.Name, Description: in.Description,
			Kind: mentorvault.ProgrammeKind(in.Kind), EnrolmentOpen: in.EnrolmentOpen, DefaultCapacity: in.DefaultCapacity})
		if err != nil {
			return programmeFullJSON{}, "", err
		}
		return programmeOut(v), "/api/v1/programmes/" + v.ID, nil
	})(w, r)
}

type programmeUpdateJSON struct {
	Name            *string   `json:"name"`
	Description     *string   `json:"description"`
	Kind            *string   `json:"kind"`
	EnrolmentOpen   *bool     `json:"enrolment_open"`
	DefaultCapacity *int      `json:"default_capacity"`
	Archived        *bool     `json:"archived"`
	Topics          *[]string `json:"topics"`
}

// UpdateProgramme serves PATCH /api/v1/programmes/{id}: the members given
// change (enrolment_open is a coordinator's to change too).
func (h *Handler) UpdateProgramme(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in programmeUpdateJSON) (programmeFullJSON, error) {
		upd := service.ProgrammeUpdate{Name: in.Name, Description: in.Description, EnrolmentOpen: in.EnrolmentOpen,
			DefaultCapacity: in.DefaultCapacity, Archived: in.Archived, Topics: in.Topics}
		if in.Kind != nil {
			k := mentorvault.ProgrammeKind(*in.Kind)
			upd.Kind = &k
		}
		return asJSON(programmeOut)(h.svc.UpdateProgramme(r.Context(), httpx.Principal(r), r.PathValue("id"), upd))
	})(w, r)
}

type programmeStaffJSON struct {
	Coordinators []string `json:"coordinators"`
	Supervisors  []string `json:"supervisors"`
}

// SetProgrammeStaff serves PUT /api/v1/programmes/{id}/staff: the
// coordinators and supervisors (IDs or emails) replace the present ones.
func (h *Handler) SetProgrammeStaff(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in programmeStaffJSON) (programmeFullJSON, error) {
		return asJSON(programmeOut)(h.svc.SetProgrammeStaff(r.Context(), httpx.Principal(r), r.PathValue("id"),
			service.ProgrammeStaff{Coordinators: in.Coordinators, Supervisors: in.Supervisors}))
	})(w, r)
}

// UpdateProgrammeSettings serves PUT /api/v1/programmes/{id}/settings.
func (h *Handler) UpdateProgrammeSettings(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in mentorvault.ProgrammeSettings) (programmeFullJSON, error) {
		return asJSON(programmeOut)(h.svc.UpdateProgrammeSettings(r.Context(), httpx.Principal(r), r.PathValue("id"), in))
	})(w, r)
}

type guidelinesInputJSON struct {
	Body string `json:"body"`
}

// PublishGuidelines serves POST /api/v1/programmes/{id}/guidelines: 201 with
// the new version of the guidelines.
func (h *Handler) PublishGuidelines(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in guidelinesInputJSON) (*guidelinesJSON, error) {
		return asJSON(guidelinesOut)(h.svc.PublishGuidelines(r.Context(), httpx.Principal(r), r.PathValue("id"), in.Body))
	})(w, r)
}

// Guidelines serves GET /api/v1/programmes/{id}/guidelines/{version}; a
// version that is not a positive number is ENOTFOUND.
func (h *Handler) Guidelines(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (*guidelinesJSON, error) {
		n, err := httpx.ParseSeq(r.PathValue("version"))
		if err != nil {
			return nil, mentorvault.Errorf(mentorvault.ENOTFOUND, "guidelines version not found")
		}
		return asJSON(guidelinesOut)(h.svc.Guidelines(r.Context(), httpx.Principal(r), r.PathValue("id"), int(n)))
	})(w, r)
}

// figureJSON is a count under the k rule: N only when shown.
type figureJSON struct {
	N          *int `json:"n"`
	Withheld   bool `json:"withheld"`
	FewerThanK bool `json:"fewer_than_k"`
}

func figureOut(f service.Figure) figureJSON {
	out := figureJSON{Withheld: f.Withheld, FewerThanK: f.FewerThanK}
	if !f.Withheld {
		n := f.N
		out.N = &n
	}
	return out
}

// ProgrammeOverview serves GET /api/v1/programmes/{id}/overview: the
// programme's dashboard for its coordinators, counts only.
func (h *Handler) ProgrammeOverview(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		d, err := h.svc.ProgrammeOverview(r.Context(), httpx.Principal(r), r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return map[string]any{"programme_id": d.Programme.ID, "name": d.Programme.Name, "k_threshold": d.K,
			"active": d.Active, "paused": d.Paused, "proposals_pending": d.ProposalsPending, "awaiting_signature": d.AwaitingSignature,
			"reviews_overdue": figureOut(d.ReviewsOverdue), "waiting_to_be_matched": figureOut(d.WaitingToBeMatched)}, nil
	})(w, r)
}
