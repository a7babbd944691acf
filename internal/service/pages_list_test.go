package service_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// TestRequestPages checks that my requests and the third-party page are
// paged: the page at offset k of size n is the k-th to (k+n)-th element of
// the whole list, More says whether one follows, and a request keeps its
// answer's state when the statement is on another page.
func TestRequestPages(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		for i := range 5 {
			request(t, e, "frank", fmt.Sprintf("paged request %d", i))
		}
		mine := must[*service.MyRequestList](t)(e.Svc.MyRequests(ctx, e.As("frank"), service.PageFilter{}))
		tp := must[*service.ThirdPartyView](t)(e.Svc.ThirdParties(ctx, e.As("alice"), e.Rel.ID, service.PageFilter{}))
		if len(mine.Requests) < 5 || len(tp.Requests) < 5 || mine.More || tp.More {
			t.Fatalf("first pages: %d of my requests (more %v), %d on the third-party page (more %v)", len(mine.Requests), mine.More, len(tp.Requests), tp.More)
		}
		myIDs := func(rs []*service.MyRequest) (out []string) {
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return out
		}
		tpIDs := func(rs []*service.RequestView) (out []string) {
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return out
		}
		allMine, allTP := myIDs(mine.Requests), tpIDs(tp.Requests)
		page := func(all []string, f service.PageFilter) ([]string, bool) {
			want := all[min(f.Offset, len(all)):]
			more := len(want) > f.Limit
			if more {
				want = want[:f.Limit]
			}
			return want, more
		}
		for _, f := range []service.PageFilter{{Limit: 2}, {Limit: 2, Offset: 1}, {Limit: 3, Offset: len(allMine) - 2}, {Limit: 2, Offset: len(allTP) + 1}} {
			got := must[*service.MyRequestList](t)(e.Svc.MyRequests(ctx, e.As("frank"), f))
			want, more := page(allMine, f)
			if !slices.Equal(myIDs(got.Requests), want) || got.More != more {
				t.Errorf("my requests %+v: %v (more %v), want %v (more %v)", f, myIDs(got.Requests), got.More, want, more)
			}
			v := must[*service.ThirdPartyView](t)(e.Svc.ThirdParties(ctx, e.As("alice"), e.Rel.ID, f))
			want, _ = page(allTP, f)
			if !slices.Equal(tpIDs(v.Requests), want) {
				t.Errorf("third parties %+v: %v, want %v", f, tpIDs(v.Requests), want)
			}
			if len(v.Statements) > f.Limit || len(v.ThreeWays) > f.Limit {
				t.Errorf("third parties %+v: %d statements, %d three-way meetings", f, len(v.Statements), len(v.ThreeWays))
			}
		}
		if _, err := e.Svc.MyRequests(ctx, e.As("frank"), service.PageFilter{Offset: -1}); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Errorf("my requests, negative offset: %v", err)
		}
		if _, err := e.Svc.ThirdParties(ctx, e.As("alice"), e.Rel.ID, service.PageFilter{Limit: -1}); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Errorf("third parties, negative limit: %v", err)
		}

		// The first of the five answered: its statement is the newest, on
		// the first page of statements, while the request is on a later one.
		at := slices.IndexFunc(tp.Requests, func(r *service.RequestView) bool { return r.Purpose == "paged request 0" })
		if at < 1 {
			t.Fatalf("paged request 0 is at %d of the third-party page", at)
		}
		first := allTP[at]
		st := must[*service.StatementView](t)(e.Svc.DraftStatement(ctx, e.As("alice"), e.Rel.ID, first, "Bob leads well."))
		v := must[*service.ThirdPartyView](t)(e.Svc.ThirdParties(ctx, e.As("alice"), e.Rel.ID, service.PageFilter{Limit: 1, Offset: at}))
		if len(v.Requests) != 1 || v.Requests[0].ID != first {
			t.Fatalf("page at %d: %v, want %s", at, tpIDs(v.Requests), first)
		}
		if got := v.Requests[0]; got.StatementID != st.ID || got.Answer == nil || got.Answer.State != mentorvault.StatementDraft || got.CanAnswer() {
			t.Errorf("request on a later page: statement %q (want %q), answer %v, can answer %v", got.StatementID, st.ID, got.Answer, got.CanAnswer())
		}
		if slices.ContainsFunc(v.Statements, func(s *service.StatementView) bool { return s.ID == st.ID }) {
			t.Errorf("the newest statement is on a later page of statements")
		}
	})
}
