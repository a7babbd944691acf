package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

var (
	benchFirst = []string{"Ada", "Alan", "Barbara", "Carl", "Dorothy", "Edsger", "Frances", "Grace", "Hedy", "Ivan", "Jean", "Ken",
		"Leslie", "Margaret", "Niklaus", "Olga", "Peter", "Radia", "Sophie", "Tim", "Ursula", "Vint", "Whitfield", "Yukihiro"}
	benchLast = []string{"Lovelace", "Turing", "Liskov", "Hamilton", "Hopper", "Dijkstra", "Allen", "Kay", "Lamarr", "Sutherland",
		"Bartik", "Thompson", "Lamport", "Wirth", "Naur", "Perlman", "Wilson", "Berners-Lee", "Cerf", "Diffie", "Matsumoto", "Knuth"}
)

// seedSearchPeople adds n people to the demo organisation in batches of plain
// INSERTs (the store's CreateUser is one statement per person, too slow to
// seed 100,000 in a benchmark's set-up); name_key is what the store writes.
func seedSearchPeople(b *testing.B, e *mvtest.Env, n int) {
	b.Helper()
	ctx := context.Background()
	db := e.DB.SQLDB()
	org := e.Users["grace"].OrgID
	const batch = 500
	for start := 0; start < n; start += batch {
		var (
			q    strings.Builder
			args []any
		)
		q.WriteString("INSERT INTO users (id, org_id, email, name, name_key, created_at) VALUES ")
		for i := start; i < min(start+batch, n); i++ {
			if i > start {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?)")
			name := benchFirst[i%len(benchFirst)] + " " + benchLast[(i/len(benchFirst))%len(benchLast)]
			email := fmt.Sprintf("%s.%06d@northwind.example", strings.ToLower(strings.ReplaceAll(name, " ", ".")), i)
			args = append(args, mentorvault.NewID(), org, email, name, mentorvault.SearchKey(name), benchTime(e.DB))
		}
		if _, err := db.ExecContext(ctx, e.DB.Rebind(q.String()), args...); err != nil {
			b.Fatal(err)
		}
	}
	if e.DB.Dialect() == "postgres" {
		if _, err := db.ExecContext(ctx, "ANALYZE users"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPeopleSearch is the org admin's people page through the whole
// service (resolve, Cedar, the query, each person's view, the audit
// event) with 100 and with 100,000 people: the first page, a name prefix,
// an email prefix, a prefix nobody has, and a page deep in the list. The
// searches are ranges on the (org_id, name_key) and (org_id, email)
// indexes, so they should not grow with the organisation; a deep offset
// does (it walks the index up to it).
func BenchmarkPeopleSearch(b *testing.B) {
	backends := []struct {
		name string
		open func(testing.TB) *sqlstore.DB
	}{
		{"sqlite", sqlstoretest.OpenSQLite},
		{"postgres", sqlstoretest.OpenPostgres},
	}
	for _, be := range backends {
		for _, n := range []int{100, 100000} {
			b.Run(fmt.Sprintf("%s/people=%d", be.name, n), func(b *testing.B) {
				e := mvtest.New(b, be.open(b))
				seedSearchPeople(b, e, n)
				ctx := context.Background()
				grace := e.As("grace")
				for _, c := range []struct {
					name string
					f    service.PeopleFilter
				}{
					{"first-page", service.PeopleFilter{}},
					{"name-prefix", service.PeopleFilter{Query: "grace li"}},
					{"email-prefix", service.PeopleFilter{Query: "radia.turing.0"}},
					{"no-match", service.PeopleFilter{Query: "zzz"}},
					{"offset-half", service.PeopleFilter{Offset: n / 2}},
				} {
					b.Run(c.name, func(b *testing.B) {
						for b.Loop() {
							pg, err := e.Svc.People(ctx, grace, c.f)
							if err != nil {
								b.Fatal(err)
							}
							if c.name != "no-match" && len(pg.People) == 0 {
								b.Fatalf("%s: nobody found", c.name)
							}
						}
					})
				}
			})
		}
	}
}
