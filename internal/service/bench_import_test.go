package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// importCSV is a staff list of n people in a manager tree (each reports to
// the person at a tenth of their row), managers listed after some of their
// reports, with the optional department column.
func importCSV(n int) string {
	var b strings.Builder
	b.WriteString("email,name,manager_email,department\n")
	for i := n - 1; i >= 0; i-- {
		mgr := ""
		if i > 0 {
			mgr = fmt.Sprintf("staff%06d@northwind.example", i/10)
		}
		fmt.Fprintf(&b, "staff%06d@northwind.example,%s %s %d,%s,Dept %d\n", i, benchFirst[i%len(benchFirst)], benchLast[i%len(benchLast)], i, mgr, i%40)
	}
	return b.String()
}

// BenchmarkImportPeople imports 50,000 people into an organisation in one
// transaction ("apply"), and the same file again ("again": every row
// unchanged, nothing written). Each op is one whole import.
func BenchmarkImportPeople(b *testing.B) {
	const n = 50000
	file := importCSV(n)
	for _, be := range []struct {
		name string
		open func(testing.TB) *sqlstore.DB
	}{{"sqlite", sqlstoretest.OpenSQLite}, {"postgres", sqlstoretest.OpenPostgres}} {
		b.Run(be.name+"/apply", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				e := mvtest.New(b, be.open(b))
				b.StartTimer()
				res, err := e.Svc.ImportPeople(context.Background(), e.As("grace"), strings.NewReader(file), service.ImportOptions{})
				if err != nil || res.Created != n {
					b.Fatalf("%v %+v", err, res.Errors)
				}
			}
		})
		b.Run(be.name+"/again", func(b *testing.B) {
			e := mvtest.New(b, be.open(b))
			if _, err := e.Svc.ImportPeople(context.Background(), e.As("grace"), strings.NewReader(file), service.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				res, err := e.Svc.ImportPeople(context.Background(), e.As("grace"), strings.NewReader(file), service.ImportOptions{})
				if err != nil || res.Unchanged != n {
					b.Fatalf("%v %+v", err, res)
				}
			}
		})
	}
}
