package audit_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/audit"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// newEvent returns the i-th (1-based) unchained event of a test chain.
func newEvent(i int) *mentorvault.AuditEvent {
	outcomes := []string{mentorvault.OutcomeOK, mentorvault.OutcomeDenied, mentorvault.OutcomeFailed}
	return &mentorvault.AuditEvent{
		ID:             fmt.Sprintf("ev-%05d", i),
		At:             t0.Add(time.Duration(i) * 1500 * time.Millisecond),
		ActorID:        fmt.Sprintf("user-%d", i%7),
		Action:         []string{"note.read", "note.create", "login", "token.use"}[i%4],
		Outcome:        outcomes[i%3],
		OrgID:          "org-1",
		RelationshipID: fmt.Sprintf("rel-%d", i%5),
		ResourceType:   "note",
		ResourceID:     fmt.Sprintf("note-%d", i),
		Detail:         "via=session",
	}
}

// chain links events in order as Append would.
func chain(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent {
	var prev []byte
	for i, e := range evs {
		e.Seq = int64(i + 1)
		e.PrevHash = prev
		e.Hash = audit.Hash(e)
		prev = e.Hash
	}
	return evs
}

func buildChain(n int) []*mentorvault.AuditEvent {
	evs := make([]*mentorvault.AuditEvent, n)
	for i := range evs {
		evs[i] = newEvent(i + 1)
	}
	return chain(evs)
}

func clone(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent {
	out := make([]*mentorvault.AuditEvent, len(evs))
	for i, e := range evs {
		c := *e
		c.PrevHash = bytes.Clone(e.PrevHash)
		c.Hash = bytes.Clone(e.Hash)
		out[i] = &c
	}
	return out
}

// verifyAll runs a Verifier over evs and returns the first error.
func verifyAll(evs []*mentorvault.AuditEvent) (mentorvault.AuditHead, error) {
	var v audit.Verifier
	for _, e := range evs {
		if err := v.Next(e); err != nil {
			return v.Head(), err
		}
	}
	return v.Head(), nil
}

// wantBroken checks err is a *BrokenError naming seq and id with a reason
// that starts with reason.
func wantBroken(t *testing.T, err error, seq int64, id, reason string) {
	t.Helper()
	var b *audit.BrokenError
	if !errors.As(err, &b) {
		t.Fatalf("err = %v, want *BrokenError", err)
	}
	if b.Seq != seq || b.ID != id || !strings.HasPrefix(b.Reason, reason) {
		t.Fatalf("broken at seq %d id %q reason %q;\nwant seq %d id %q reason %q", b.Seq, b.ID, b.Reason, seq, id, reason)
	}
	if !audit.IsBroken(err) {
		t.Fatal("IsBroken = false")
	}
}

func TestValidChain(t *testing.T) {
	evs := buildChain(50)
	head, err := verifyAll(evs)
	if err != nil {
		t.Fatal(err)
	}
	if head.Seq != 50 || !bytes.Equal(head.Hash, evs[49].Hash) {
		t.Fatalf("head = %d %x", head.Seq, head.Hash)
	}
	if !bytes.Equal(evs[0].PrevHash, nil) || len(evs[0].Hash) != sha256.Size {
		t.Fatal("first event malformed")
	}
}

func TestHashGolden(t *testing.T) {
	// The canonical encoding is a stored format: this hash must never change.
	e := newEvent(1)
	e.Seq = 1
	e.At = time.Date(2026, 3, 1, 9, 0, 1, 500_000_999, time.UTC) // sub-µs digits ignored
	e.PrevHash = bytes.Repeat([]byte{0xab}, 32)
	const want = "144ee66c4f3a3bd30f88068306909429f32f7d0eb84581027856465e68510a1d" // independently computed from the documented encoding
	if got := hex.EncodeToString(audit.Hash(e)); got != want {
		t.Fatalf("Hash = %s, want %s", got, want)
	}
	// The hash is over UTC instants: the zone does not matter, sub-µs does not count.
	e2 := *e
	e2.At = e.At.In(time.FixedZone("X", 3600)).Truncate(time.Microsecond)
	if !bytes.Equal(audit.Hash(e), audit.Hash(&e2)) {
		t.Fatal("hash depends on time zone or nanoseconds")
	}
}

func TestHashUnambiguous(t *testing.T) {
	base := newEvent(3)
	base.Seq = 3
	base.PrevHash = bytes.Repeat([]byte{1}, 32)
	tests := []struct {
		name string
		a, b func(e *mentorvault.AuditEvent)
	}{
		{"actor|action", func(e *mentorvault.AuditEvent) { e.ActorID, e.Action = "ab", "c" }, func(e *mentorvault.AuditEvent) { e.ActorID, e.Action = "a", "bc" }},
		{"id|actor", func(e *mentorvault.AuditEvent) { e.ID, e.ActorID = "x", "yz" }, func(e *mentorvault.AuditEvent) { e.ID, e.ActorID = "xy", "z" }},
		{"type|resource", func(e *mentorvault.AuditEvent) { e.ResourceType, e.ResourceID = "note", "1" }, func(e *mentorvault.AuditEvent) { e.ResourceType, e.ResourceID = "not", "e1" }},
		{"resource|detail", func(e *mentorvault.AuditEvent) { e.ResourceID, e.Detail = "", "r" }, func(e *mentorvault.AuditEvent) { e.ResourceID, e.Detail = "r", "" }},
		{"org|relationship", func(e *mentorvault.AuditEvent) { e.OrgID, e.RelationshipID = "o", "" }, func(e *mentorvault.AuditEvent) { e.OrgID, e.RelationshipID = "", "o" }},
		{"outcome|org", func(e *mentorvault.AuditEvent) { e.Outcome, e.OrgID = "ok", "org" }, func(e *mentorvault.AuditEvent) { e.Outcome, e.OrgID = "oko", "rg" }},
		{"detail|prevhash", func(e *mentorvault.AuditEvent) { e.Detail, e.PrevHash = "a\x01", []byte{2} }, func(e *mentorvault.AuditEvent) { e.Detail, e.PrevHash = "a", []byte{1, 2} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := *base, *base
			tt.a(&a)
			tt.b(&b)
			if bytes.Equal(audit.Hash(&a), audit.Hash(&b)) {
				t.Fatal("different events hash the same")
			}
		})
	}
}

func TestEditEachField(t *testing.T) {
	edits := []struct {
		field  string
		edit   func(e *mentorvault.AuditEvent)
		reason string
	}{
		{"Seq", func(e *mentorvault.AuditEvent) { e.Seq += 1000 }, audit.ReasonGap},
		{"Seq back", func(e *mentorvault.AuditEvent) { e.Seq-- }, audit.ReasonDuplicate},
		{"ID", func(e *mentorvault.AuditEvent) { e.ID = "forged-id" }, audit.ReasonHash},
		{"At", func(e *mentorvault.AuditEvent) { e.At = e.At.Add(time.Microsecond) }, audit.ReasonHash},
		{"ActorID", func(e *mentorvault.AuditEvent) { e.ActorID = "someone-else" }, audit.ReasonHash},
		{"ActorID empty", func(e *mentorvault.AuditEvent) { e.ActorID = "" }, audit.ReasonHash},
		{"Action", func(e *mentorvault.AuditEvent) { e.Action = "note.list" }, audit.ReasonHash},
		{"Outcome", func(e *mentorvault.AuditEvent) {
			e.Outcome = map[string]string{"ok": "denied", "denied": "ok", "failed": "ok"}[e.Outcome]
		}, audit.ReasonHash},
		{"OrgID", func(e *mentorvault.AuditEvent) { e.OrgID = "org-2" }, audit.ReasonHash},
		{"RelationshipID", func(e *mentorvault.AuditEvent) { e.RelationshipID = "rel-x" }, audit.ReasonHash},
		{"ResourceType", func(e *mentorvault.AuditEvent) { e.ResourceType = "goal" }, audit.ReasonHash},
		{"ResourceID", func(e *mentorvault.AuditEvent) { e.ResourceID = "note-0" }, audit.ReasonHash},
		{"Detail", func(e *mentorvault.AuditEvent) { e.Detail += " " }, audit.ReasonHash},
		{"PrevHash", func(e *mentorvault.AuditEvent) { e.PrevHash = append(bytes.Clone(e.PrevHash), 0) }, audit.ReasonPrevHash},
		{"Hash", func(e *mentorvault.AuditEvent) { e.Hash[3] ^= 0x80 }, audit.ReasonHash},
		{"Hash recomputed", func(e *mentorvault.AuditEvent) { e.Detail = "x"; e.Hash = audit.Hash(e) }, audit.ReasonPrevHash},
	}
	orig := buildChain(50)
	for _, ed := range edits {
		for _, k := range []int{0, 1, 24, 49} {
			t.Run(fmt.Sprintf("%s/event%d", ed.field, k+1), func(t *testing.T) {
				evs := clone(orig)
				if ed.field == "Seq back" && k == 0 {
					t.Skip("seq 0 is before the chain")
				}
				ed.edit(evs[k])
				_, err := verifyAll(evs)
				seq, id := evs[k].Seq, evs[k].ID
				if ed.field == "Hash recomputed" {
					// The edited event itself checks out; the next one's
					// prev-hash no longer does.
					if k == 49 {
						if err != nil {
							t.Fatal(err) // only the head or a checkpoint can tell; see TestVerify*
						}
						return
					}
					seq, id = evs[k+1].Seq, evs[k+1].ID
				}
				wantBroken(t, err, seq, id, ed.reason)
			})
		}
	}
}

func TestStructuralTampering(t *testing.T) {
	const k = 20 // 0-based position of the event tampered with
	orig := buildChain(50)
	tests := []struct {
		name   string
		tamper func(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent
		seq    int64
		id     string
		reason string
	}{
		{
			name: "insert forged event with valid own hash",
			tamper: func(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent {
				f := newEvent(999)
				f.ID = "forged"
				f.Seq = int64(k + 1)
				f.PrevHash = evs[k-1].Hash
				f.Hash = audit.Hash(f)
				return slices.Insert(evs, k, f)
			},
			seq: k + 1, id: orig[k].ID, reason: audit.ReasonDuplicate,
		},
		{
			name: "insert forged event and renumber the rest",
			tamper: func(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent {
				f := newEvent(999)
				f.ID = "forged"
				f.Seq = int64(k + 1)
				f.PrevHash = evs[k-1].Hash
				f.Hash = audit.Hash(f)
				for _, e := range evs[k:] {
					e.Seq++
				}
				return slices.Insert(evs, k, f)
			},
			seq: k + 2, id: orig[k].ID, reason: audit.ReasonPrevHash,
		},
		{
			name: "insert forged event with a made-up prev-hash",
			tamper: func(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent {
				f := newEvent(999)
				f.ID = "forged"
				f.Seq = int64(k + 1)
				f.PrevHash = bytes.Repeat([]byte{7}, 32)
				f.Hash = audit.Hash(f)
				return slices.Insert(evs, k, f)
			},
			seq: k + 1, id: "forged", reason: audit.ReasonPrevHash,
		},
		{
			name:   "delete event",
			tamper: func(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent { return slices.Delete(evs, k, k+1) },
			seq:    k + 2, id: orig[k+1].ID, reason: audit.ReasonGap,
		},
		{
			name: "delete event and renumber the rest",
			tamper: func(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent {
				for _, e := range evs[k+1:] {
					e.Seq--
				}
				return slices.Delete(evs, k, k+1)
			},
			seq: k + 1, id: orig[k+1].ID, reason: audit.ReasonPrevHash,
		},
		{
			name: "delete first event",
			tamper: func(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent {
				return evs[1:]
			},
			seq: 2, id: orig[1].ID, reason: audit.ReasonGap,
		},
		{
			name: "swap two events",
			tamper: func(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent {
				evs[k], evs[k+1] = evs[k+1], evs[k]
				return evs
			},
			seq: k + 2, id: orig[k+1].ID, reason: audit.ReasonGap,
		},
		{
			name: "swap two events' contents, keeping seq order",
			tamper: func(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent {
				evs[k], evs[k+1] = evs[k+1], evs[k]
				evs[k].Seq, evs[k+1].Seq = evs[k+1].Seq, evs[k].Seq
				return evs
			},
			seq: k + 1, id: orig[k+1].ID, reason: audit.ReasonPrevHash,
		},
		{
			name: "swap distant events",
			tamper: func(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent {
				evs[k], evs[40] = evs[40], evs[k]
				return evs
			},
			seq: 41, id: orig[40].ID, reason: audit.ReasonGap,
		},
		{
			name: "duplicate event",
			tamper: func(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent {
				d := *evs[k]
				return slices.Insert(evs, k+1, &d)
			},
			seq: k + 1, id: orig[k].ID, reason: audit.ReasonDuplicate,
		},
		{
			name: "duplicate last event",
			tamper: func(evs []*mentorvault.AuditEvent) []*mentorvault.AuditEvent {
				d := *evs[49]
				return append(evs, &d)
			},
			seq: 50, id: orig[49].ID, reason: audit.ReasonDuplicate,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := verifyAll(tt.tamper(clone(orig)))
			wantBroken(t, err, tt.seq, tt.id, tt.reason)
		})
	}
}

func TestVerifierStaysBroken(t *testing.T) {
	evs := buildChain(5)
	evs[1].Detail = "edited"
	var v audit.Verifier
	if err := v.Next(evs[0]); err != nil {
		t.Fatal(err)
	}
	err1 := v.Next(evs[1])
	err2 := v.Next(evs[2])
	if err1 == nil || err1 != err2 {
		t.Fatalf("errors: %v, %v", err1, err2)
	}
	if v.Head().Seq != 1 {
		t.Fatalf("head moved past the break: %d", v.Head().Seq)
	}
}

func TestBrokenErrorMessage(t *testing.T) {
	err := &audit.BrokenError{Seq: 7, ID: "ev-7", Reason: audit.ReasonHash}
	if got := err.Error(); !strings.Contains(got, "seq 7") || !strings.Contains(got, "ev-7") || !strings.Contains(got, "edited") {
		t.Fatal(got)
	}
	if audit.IsBroken(errors.New("db down")) {
		t.Fatal("IsBroken(other error) = true")
	}
}

// chainLen is how many events the chain benchmarks verify.
const chainLen = 10_000

func BenchmarkVerifyChain(b *testing.B) {
	evs := buildChain(chainLen)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := verifyAll(evs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*chainLen/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkRawSHA256Chain is the floor for BenchmarkVerifyChain: the same
// number of SHA-256 chain steps over fixed-size records about as long as a
// canonical event, with no encoding, comparison or allocation.
func BenchmarkRawSHA256Chain(b *testing.B) {
	evs := buildChain(1)
	// A record as long as the canonical encoding of a typical event of the
	// verified chain (its length prefixes, fixed fields and strings).
	e := evs[0]
	n := 4 + len("mentorvault-audit/v1") + 8 + 4 + len(e.ID) + 8 + 4 + sha256.Size
	for _, s := range []string{e.ActorID, e.Action, e.Outcome, e.OrgID, e.RelationshipID, e.ResourceType, e.ResourceID, e.Detail} {
		n += 4 + len(s)
	}
	buf := make([]byte, sha256.Size+n) // prev hash || record
	b.ReportAllocs()
	for b.Loop() {
		clear(buf[:sha256.Size])
		for range chainLen {
			sum := sha256.Sum256(buf)
			copy(buf, sum[:])
		}
	}
	b.ReportMetric(float64(b.N)*chainLen/b.Elapsed().Seconds(), "events/s")
}
