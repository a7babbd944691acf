package api

import (
	"archive/zip"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"time"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

// exportFormat names the layout of content.json, so that a reader of an
// old export knows what it holds.
const exportFormat = "mentorvault-export/1"

// exportJSON is content.json: everything the downloading party may read
// of the relationship, in the API's own shapes.
type exportJSON struct {
	Format       string            `json:"format"`
	ExportedAt   time.Time         `json:"exported_at"`
	ExportedBy   personJSON        `json:"exported_by"`
	Relationship relationshipJSON  `json:"relationship"`
	Agreement    agreementJSON     `json:"agreement"`
	Notes        []noteJSON        `json:"notes"`
	Meetings     []meetingJSON     `json:"meetings"`
	Commitments  commitmentsJSON   `json:"commitments"`
	Goals        map[string]any    `json:"goals"`
	Reviews      reviewsJSON       `json:"reviews"`
	Feedback     feedbackJSON      `json:"feedback"`
	ThirdParties thirdPartiesJSON  `json:"third_parties"`
	Concerns     []concernJSON     `json:"concerns"`
	AccessLog    []auditEventJSON  `json:"access_log"`
	AccessHead   map[string]string `json:"access_log_head"`
}

// RelationshipExport serves GET /api/v1/relationships/{id}/export: a zip
// of content.json, a readable index.html and the agreement in force (or
// the latest version) as PDF — everything the caller may read of the
// relationship, each part read by the call the API has for it (so each
// is decided and audited as usual, and the other party's private notes
// are never in it), the export itself audited as relationship.export.
func (h *Handler) RelationshipExport(w http.ResponseWriter, r *http.Request) error {
	ctx, p, id := r.Context(), httpx.Principal(r), r.PathValue("id")
	rv, err := h.svc.StartExport(ctx, p, id)
	if err != nil {
		return err
	}
	out := exportJSON{Format: exportFormat, ExportedAt: time.Now().UTC(), Relationship: relJSON(rv), Notes: []noteJSON{},
		Meetings: []meetingJSON{}, Concerns: []concernJSON{}, AccessLog: []auditEventJSON{}}
	me := rv.Mentor
	if p.UserID == rv.MenteeID {
		me = rv.Mentee
	}
	out.ExportedBy = person(me)

	av, err := h.svc.Agreement(ctx, p, id)
	if err != nil {
		return err
	}
	out.Agreement = agreementOut(av)
	for before := ""; ; {
		ns, err := h.svc.ListNotes(ctx, p, id, service.NoteFilter{Before: before, Limit: service.MaxNotes})
		if err != nil {
			return err
		}
		for _, n := range ns {
			out.Notes = append(out.Notes, noteOut(n.Note))
		}
		if len(ns) < service.MaxNotes {
			break
		}
		before = ns[len(ns)-1].ID
	}
	for _, upcoming := range []bool{true, false} {
		for before := ""; ; {
			page, err := h.svc.Meetings(ctx, p, id, service.MeetingFilter{Upcoming: upcoming, Before: before, Limit: 200})
			if err != nil {
				return err
			}
			for _, m := range page.Meetings {
				out.Meetings = append(out.Meetings, meetingOut(m))
			}
			if page.NextBefore == "" {
				break
			}
			before = page.NextBefore
		}
	}
	cv, err := h.svc.Commitments(ctx, p, id)
	if err != nil {
		return err
	}
	out.Commitments = commitmentsOut(cv)
	gs, err := h.svc.Goals(ctx, p, id)
	if err != nil {
		return err
	}
	out.Goals = goalsOut(gs)
	revs, err := h.svc.Reviews(ctx, p, id)
	if err != nil {
		return err
	}
	out.Reviews = reviewsOut(revs)
	fb, err := h.svc.Feedback(ctx, p, id)
	if err != nil {
		return err
	}
	out.Feedback = feedbackOut(fb)
	for offset := 0; ; offset += service.MaxPage {
		tp, err := h.svc.ThirdParties(ctx, p, id, service.PageFilter{Limit: service.MaxPage, Offset: offset})
		if err != nil {
			return err
		}
		part := thirdPartiesOut(tp)
		if offset == 0 {
			out.ThirdParties = part
		} else {
			out.ThirdParties.Requests = append(out.ThirdParties.Requests, part.Requests...)
			out.ThirdParties.Statements = append(out.ThirdParties.Statements, part.Statements...)
			out.ThirdParties.ThreeWays = append(out.ThirdParties.ThreeWays, part.ThreeWays...)
		}
		if !tp.More {
			break
		}
	}
	out.ThirdParties.More = false
	cs, err := h.svc.Concerns(ctx, p, id)
	if err != nil {
		return err
	}
	for _, c := range cs {
		out.Concerns = append(out.Concerns, concernOut(c))
	}
	for before := int64(0); ; {
		page, err := h.svc.RelationshipAudit(ctx, p, id, service.AuditFilter{BeforeSeq: before, Limit: 500})
		if err != nil {
			return err
		}
		if out.AccessHead == nil {
			out.AccessHead = map[string]string{"seq": fmt.Sprint(page.Head.Seq), "hash": hex.EncodeToString(page.Head.Hash)}
		}
		for _, e := range page.Entries {
			ej := auditEventJSON{Seq: e.Seq, At: e.At, Action: e.Action, Outcome: e.Outcome, ResourceType: e.ResourceType,
				ResourceID: e.ResourceID, Detail: e.Detail, Hash: hex.EncodeToString(e.Hash)}
			if e.ActorID != "" {
				ej.Actor = &personJSON{ID: e.ActorID, Name: e.ActorName, Email: e.ActorEmail}
			}
			out.AccessLog = append(out.AccessLog, ej)
		}
		if page.NextBefore == 0 {
			break
		}
		before = page.NextBefore
	}

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, b []byte) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: out.ExportedAt})
		if err != nil {
			return err
		}
		_, err = f.Write(b)
		return err
	}
	content, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if err := add("content.json", content); err != nil {
		return err
	}
	page, err := exportHTML(content, rv)
	if err != nil {
		return err
	}
	if err := add("index.html", page); err != nil {
		return err
	}
	v := av.InForce
	if v == nil && len(av.Versions) > 0 {
		v = av.Versions[len(av.Versions)-1]
	}
	if v != nil && !v.Damaged {
		pdf, err := agreementPDF(v, rv)
		if err != nil {
			return err
		}
		if err := add(exportName(rv, v, "pdf"), pdf); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="mentorvault-relationship-%s.zip"`, rv.ID[len(rv.ID)-8:]))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// exportSections are content.json's sections in the order and words
// index.html shows them.
var exportSections = []struct{ key, title string }{
	{"relationship", "The relationship"}, {"agreement", "Confidentiality agreement"}, {"notes", "Notes"},
	{"meetings", "Meetings"}, {"commitments", "Commitments"}, {"goals", "Goals"}, {"reviews", "Reviews of expectations"},
	{"feedback", "Feedback"}, {"third_parties", "Requests, statements and three-way meetings"}, {"concerns", "Concerns"},
	{"access_log", "Access log"}, {"access_log_head", "Access log head (compare it with the one mentorvault shows)"},
}

var exportPage = template.Must(template.New("export").Funcs(template.FuncMap{"value": exportValue}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
dl{margin:0 0 .5rem 1rem}dt{font-weight:600}dd{margin:0 0 .25rem 1rem;white-space:pre-wrap}ol{padding-left:1.5rem}
li{margin-bottom:.75rem;border-left:3px solid #ddd;padding-left:.5rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}</style>
</head><body><main>
<h1>{{.Title}}</h1>
<p>Exported on {{.At}} by {{.By}}. This is everything you may read of the relationship. The same data is in
content.json, for other programs; the agreement is also attached as a PDF.</p>
{{range .Sections}}<section><h2>{{.Title}}</h2>{{value .Value}}</section>
{{end}}</main></body></html>
`))

// exportHTML renders content.json as a readable page: each section under
// its heading, objects as lists of names and values, lists numbered.
func exportHTML(content []byte, rv *service.RelationshipView) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(content, &doc); err != nil {
		return nil, err
	}
	type section struct {
		Title string
		Value any
	}
	data := struct {
		Title, At, By string
		Sections      []section
	}{Title: "Mentoring relationship of " + rv.Mentor.Name + " and " + rv.Mentee.Name}
	if by, ok := doc["exported_by"].(map[string]any); ok {
		data.By = fmt.Sprint(by["name"])
	}
	data.At = fmt.Sprint(doc["exported_at"])
	for _, s := range exportSections {
		data.Sections = append(data.Sections, section{s.title, doc[s.key]})
	}
	var b bytes.Buffer
	if err := exportPage.Execute(&b, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// exportValue renders one JSON value as HTML, escaping every string.
func exportValue(v any) template.HTML {
	var b bytes.Buffer
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 {
				b.WriteString("<p>None.</p>")
				return
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b.WriteString("<dl>")
			for _, k := range keys {
				if x[k] == nil || x[k] == "" {
					continue
				}
				b.WriteString("<dt>" + template.HTMLEscapeString(k) + "</dt><dd>")
				walk(x[k])
				b.WriteString("</dd>")
			}
			b.WriteString("</dl>")
		case []any:
			if len(x) == 0 {
				b.WriteString("<p>None.</p>")
				return
			}
			b.WriteString("<ol>")
			for _, e := range x {
				b.WriteString("<li>")
				walk(e)
				b.WriteString("</li>")
			}
			b.WriteString("</ol>")
		case nil:
			b.WriteString("<p>None.</p>")
		default:
			b.WriteString(template.HTMLEscapeString(fmt.Sprint(x)))
		}
	}
	walk(v)
	return template.HTML(b.String())
}
