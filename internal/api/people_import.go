package api

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type importRowJSON struct {
	Row    int    `json:"row"`
	Email  string `json:"email"`
	Action string `json:"action"`
}

type importProblemJSON struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

type importJSON struct {
	DryRun      bool                `json:"dry_run"`
	Created     int                 `json:"created"`
	Updated     int                 `json:"updated"`
	Unchanged   int                 `json:"unchanged"`
	Deactivated int                 `json:"deactivated"`
	Rows        []importRowJSON     `json:"rows"`
	Errors      []importProblemJSON `json:"errors"`
	Error       *httpx.ErrorJSON    `json:"error,omitempty"`
}

func importOut(res *service.ImportResult) importJSON {
	out := importJSON{DryRun: res.DryRun, Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged, Deactivated: res.Deactivated,
		Rows: make([]importRowJSON, len(res.Rows)), Errors: make([]importProblemJSON, len(res.Errors))}
	for i, r := range res.Rows {
		out.Rows[i] = importRowJSON(r)
	}
	for i, p := range res.Errors {
		out.Errors[i] = importProblemJSON(p)
	}
	return out
}

func queryBool(r *http.Request, name string) (bool, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, mentorvault.Invalid("the query is not valid", map[string]string{name: "must be true or false"})
	}
	return b, nil
}

// ImportPeople serves POST /api/v1/people/import[?dry_run=true][&deactivate_missing=true]
// with the CSV itself as the body (text/csv): 200 with what was (or would
// be) done per row; an apply with any error writes nothing and answers 400
// with the same body and every error.
func (h *Handler) ImportPeople(w http.ResponseWriter, r *http.Request) error {
	if err := httpx.SignedIn(r); err != nil {
		return err
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "text/csv" {
		return &mentorvault.Error{Code: httpx.CodeUnsupportedMedia, Message: "send the file as text/csv"}
	}
	dry, err := queryBool(r, "dry_run")
	if err != nil {
		return err
	}
	missing, err := queryBool(r, "deactivate_missing")
	if err != nil {
		return err
	}
	// One byte over the limit, so that the import itself says the file is too large.
	body := http.MaxBytesReader(w, r.Body, service.MaxImportBytes+1)
	res, err := h.svc.ImportPeople(r.Context(), httpx.Principal(r), body, service.ImportOptions{DryRun: dry, DeactivateMissing: missing})
	if res != nil && mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		out := importOut(res)
		out.Error = &httpx.ErrorJSON{Code: mentorvault.EINVALID, Message: mentorvault.ErrorMessage(err)}
		httpx.WriteJSON(w, http.StatusBadRequest, out)
		return nil
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, importOut(res))
	return nil
}
