package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// TestSealedLeftovers: rows written before migration 0008 hold a purpose,
// a decline reply, a how and an outside recipient's name in plain columns.
// SealLeftovers seals each with the relationship's key once, clears the
// plain column, audits a system write per record; the service then reads
// the same values, audit verify finds every record intact, and a second
// run seals nothing.
func TestSealedLeftovers(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := e.Rel.ID
		req := request(t, e, "frank", "sealed purpose")
		must[*mentorvault.InputRequest](t)(e.Svc.DeclineRequest(ctx, e.As("alice"), rel, req.ID, "sealed reply"))
		sum := must[*service.StatementView](t)(e.Svc.PrepareSummary(ctx, e.As("bob"), rel, service.SummaryInput{
			RecipientEmail: "dave@northwind.example", Purpose: "sealed summary purpose", Body: "Bob works on delegation."}))
		c := must[*mentorvault.Concern](t)(e.Svc.RaiseConcern(ctx, e.As("bob"), rel, mentorvault.ConcernOther, "Something.", false))
		d := must[*mentorvault.Disclosure](t)(e.Svc.ProposeDisclosurePlan(ctx, e.As("bob"), rel, c.ID, service.DisclosureInput{
			RecipientName: "Sealed Site Security", How: "sealed by phone", Content: "What we saw.", EffectiveAt: time.Now().Add(100 * time.Hour)}))

		// Put the rows back as a release before 0008 wrote them.
		behindTheBack(t, e, "input_requests", "purpose = 'LEFTOVER purpose', purpose_sealed = NULL, decline_reply = 'LEFTOVER reply', decline_reply_sealed = NULL", req.ID)
		behindTheBack(t, e, "statements", "purpose = 'LEFTOVER summary purpose', purpose_sealed = NULL", sum.ID)
		behindTheBack(t, e, "disclosures", "how = 'LEFTOVER by phone', how_sealed = NULL, recipient_name = 'LEFTOVER Site Security', recipient_name_sealed = NULL", d.ID)
		if n := leftovers(t, e); n != 3 {
			t.Errorf("plain leftovers in the database before sealing: %d rows, want 3", n)
		}
		head := e.Head(t)

		n, err := e.Svc.SealLeftovers(ctx)
		if err != nil || n != 3 {
			t.Fatalf("SealLeftovers = %d, %v; want the 3 records", n, err)
		}
		if n := leftovers(t, e); n != 0 {
			t.Errorf("plain leftovers after sealing: %d rows", n)
		}
		var audited []string
		for _, ev := range e.Events(t, head) {
			if ev.Action == "record.seal" && ev.ActorID == "" && strings.Contains(ev.Detail, "seal ") {
				audited = append(audited, ev.ResourceID)
			}
		}
		if len(audited) != 3 {
			t.Errorf("audited system writes: %v, want one per record", audited)
		}
		if rep := sealedReport(t, e); len(rep.Problems) > 0 {
			t.Errorf("after sealing leftovers: %v", rep.Problems)
		}

		// The service reads what the rows held.
		for _, m := range must[*service.MyRequestList](t)(e.Svc.MyRequests(ctx, e.As("frank"), service.PageFilter{})).Requests {
			if m.ID == req.ID && (m.Purpose != "LEFTOVER purpose" || m.DeclineReply != "LEFTOVER reply") {
				t.Errorf("frank's request reads purpose %q, reply %q", m.Purpose, m.DeclineReply)
			}
		}
		if st := must[*service.StatementView](t)(e.Svc.Statement(ctx, e.As("alice"), rel, sum.ID)); st.Purpose != "LEFTOVER summary purpose" {
			t.Errorf("the summary reads purpose %q", st.Purpose)
		}
		cv := must[*service.ConcernView](t)(e.Svc.Concern(ctx, e.As("alice"), rel, c.ID))
		if len(cv.Disclosures) != 1 || cv.Disclosures[0].How != "LEFTOVER by phone" || cv.Disclosures[0].RecipientName != "LEFTOVER Site Security" {
			t.Errorf("the disclosure reads %+v", cv.Disclosures)
		}

		if n, err := e.Svc.SealLeftovers(ctx); err != nil || n != 0 {
			t.Errorf("a second run sealed %d, %v; want nothing", n, err)
		}
		// Once finished the step never runs again: a plain value written
		// later behind the service's back is not sealed as if genuine.
		behindTheBack(t, e, "statements", "purpose = 'LEFTOVER summary purpose', purpose_sealed = NULL", sum.ID)
		if n, err := e.Svc.SealLeftovers(ctx); err != nil || n != 0 {
			t.Errorf("a run after the step finished sealed %d, %v; want nothing", n, err)
		}
	})
}

// leftovers counts the rows that still hold any of the LEFTOVER values in a
// plain column.
func leftovers(t *testing.T, e *mvtest.Env) int {
	t.Helper()
	total := 0
	for _, q := range []string{
		`SELECT COUNT(*) FROM input_requests WHERE purpose LIKE 'LEFTOVER%' OR decline_reply LIKE 'LEFTOVER%'`,
		`SELECT COUNT(*) FROM statements WHERE purpose LIKE 'LEFTOVER%'`,
		`SELECT COUNT(*) FROM disclosures WHERE how LIKE 'LEFTOVER%' OR recipient_name LIKE 'LEFTOVER%'`,
	} {
		var n int
		if err := e.DB.SQLDB().QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		total += n
	}
	return total
}
