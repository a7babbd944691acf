package web

import (
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

// auditRow is one line of the access log: one event, or a run of one
// person's reads in a row, which weigh less than a change and are shown
// together.
type auditRow struct {
	At             string // when, or the span of a run of reads
	Who, What      string
	Denied, Failed bool
	Read           bool // only reads (one or several)
	Count          int  // how many events the row stands for
	Resource       string
}

type auditPage struct {
	base
	Rel        *service.RelationshipView
	Rows       []auditRow
	HeadSeq    int64
	HeadHash   string
	Checkpoint string
	// The filter as asked, to fill the form and to keep on the next page.
	Who, What, From, To string
	Filtered            bool
	NextURL             string
}

func describeAction(a string) string {
	if w, ok := actionWords[a]; ok {
		return w
	}
	return actionWordsFor(a)
}

// auditFilterOf reads the access log's filter from the page's query: who
// (me, others), what (changes, reads, refused) and a span of days, from and
// to inclusive, in the reader's zone. Returns EINVALID for a bad value.
func auditFilterOf(q url.Values, z zone) (service.AuditFilter, error) {
	f := service.AuditFilter{Limit: 100, Who: q.Get("who"), What: q.Get("what")}
	if b := q.Get("before"); b != "" {
		seq, err := httpx.ParseSeq(b)
		if err != nil {
			return f, err
		}
		f.BeforeSeq = seq
	}
	day := func(field, v string) (time.Time, error) {
		t, err := time.ParseInLocation(time.DateOnly, v, z.location())
		if err != nil {
			return t, mentorvault.Invalid("the filter is not valid: the "+map[string]string{"from": "first", "to": "last"}[field]+" day must be a date such as 2026-12-02",
				map[string]string{field: "must be a date such as 2026-12-02"})
		}
		return t, nil
	}
	if v := q.Get("from"); v != "" {
		t, err := day("from", v)
		if err != nil {
			return f, err
		}
		f.Since = t
	}
	if v := q.Get("to"); v != "" {
		t, err := day("to", v)
		if err != nil {
			return f, err
		}
		f.Until = t.AddDate(0, 0, 1)
	}
	return f, nil
}

func (h *Handler) Audit(w http.ResponseWriter, r *http.Request) error {
	z := h.zone(r)
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f, err := auditFilterOf(q, z)
	if err != nil {
		return err
	}
	page, err := h.svc.RelationshipAudit(r.Context(), p, v.ID, f)
	if err != nil {
		return err
	}
	pg := &auditPage{base: h.base(r, "Access log"), Rel: v, HeadSeq: page.Head.Seq, HeadHash: hex.EncodeToString(page.Head.Hash),
		Checkpoint: h.checkpoint(), Who: f.Who, What: f.What, From: q.Get("from"), To: q.Get("to")}
	pg.Filtered = pg.Who != "" || pg.What != "" || pg.From != "" || pg.To != ""
	pg.Rows = auditRows(page.Entries, p.UserID, z)
	if page.NextBefore != 0 {
		next := url.Values{}
		for _, k := range []string{"who", "what", "from", "to"} {
			if v := q.Get(k); v != "" {
				next.Set(k, v)
			}
		}
		next.Set("before", strconv.FormatInt(page.NextBefore, 10))
		pg.NextURL = "/relationships/" + v.ID + "/audit?" + next.Encode()
	}
	h.render(w, r, http.StatusOK, "audit.html", pg)
	return nil
}

// auditRows turns the newest-first entries into rows: each change and each
// refused attempt on its own line, and a run of one person's successful
// reads on the same day as one line ("opened the notes, opened a meeting —
// 5 times").
func auditRows(entries []service.AuditEntry, me string, z zone) []auditRow {
	var rows []auditRow
	var runActor, runDay string
	var runFirst, runLast time.Time
	var runWhat []string
	flush := func() {
		if len(runWhat) == 0 {
			return
		}
		row := &rows[len(rows)-1]
		row.What = strings.Join(runWhat, ", ")
		if row.Count > 1 {
			row.Resource = ""
		}
		if first, last := z.format(runFirst, "15:04"), z.format(runLast, "15:04"); first != last {
			row.At = z.format(runFirst, "2 Jan 2006, ") + first + "–" + z.format(runLast, "15:04 MST")
		}
		runWhat = nil
	}
	for _, e := range entries {
		who := e.ActorName
		if e.ActorID == me {
			who = "You"
		}
		day := z.format(e.At, time.DateOnly)
		read := mentorvault.IsReadAction(e.Action) && e.Outcome == mentorvault.OutcomeOK
		if read && len(runWhat) > 0 && e.ActorID == runActor && day == runDay {
			row := &rows[len(rows)-1]
			row.Count++
			runFirst = e.At // newest first: this one is earlier
			if w := describeAction(e.Action); !slices.Contains(runWhat, w) {
				runWhat = append(runWhat, w)
			}
			continue
		}
		flush()
		row := auditRow{At: z.format(e.At, "2 Jan 2006, 15:04 MST"), Who: who, What: describeAction(e.Action), Count: 1, Read: read,
			Denied: e.Outcome == mentorvault.OutcomeDenied, Failed: e.Outcome == mentorvault.OutcomeFailed}
		if e.ResourceType == "note" {
			row.Resource = "note " + shortID(e.ResourceID)
		}
		rows = append(rows, row)
		if read {
			runActor, runDay, runFirst, runLast, runWhat = e.ActorID, day, e.At, e.At, []string{row.What}
		}
	}
	flush()
	return rows
}
