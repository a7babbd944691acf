package service_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// TestImportPeople: the CSV import's dry run and apply, every error kind,
// a byte-order mark and semicolons, idempotence, and deactivating those
// missing only when asked.
func TestImportPeople(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		grace := e.As("grace")
		imp := func(csv string, opt service.ImportOptions) (*service.ImportResult, error) {
			return e.Svc.ImportPeople(ctx, grace, strings.NewReader(csv), opt)
		}
		olga, _, err := e.Svc.AddPerson(ctx, grace, service.NewPerson{Name: "Olga Olsen", Email: "olga@northwind.example"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.DeactivatePerson(ctx, grace, olga.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, csv string
			want      []string // "row field" of each error
		}{
			{"malformed email", "email,name,manager_email\nnot-an-email,X,\n", []string{"2 email"}},
			{"missing name", "email,name,manager_email\nx@northwind.example,,\n", []string{"2 name"}},
			{"unknown manager", "email,name,manager_email\nx@northwind.example,X,nobody@northwind.example\n", []string{"2 manager_email"}},
			{"deactivated manager", "email,name,manager_email\nx@northwind.example,X,olga@northwind.example\n", []string{"2 manager_email"}},
			{"own manager", "email,name,manager_email\nx@northwind.example,X,x@northwind.example\n", []string{"2 manager_email"}},
			{"cycle in the file", "email,name,manager_email\nx@northwind.example,X,y@northwind.example\ny@northwind.example,Y,x@northwind.example\n",
				[]string{"2 manager_email", "3 manager_email"}},
			{"cycle through the organisation", "email,name,manager_email\ndave@northwind.example,Dave Dawson,bob@northwind.example\n", []string{"2 manager_email"}},
			{"duplicate rows", "email,name,manager_email\nx@northwind.example,X,\nX@northwind.example,X again,\n", []string{"3 email"}},
			{"control character", "email,name,manager_email\nx@northwind.example,X\x07,\n", []string{"2 name"}},
			{"missing column", "email,name\nx@northwind.example,X\n", []string{"1 manager_email"}},
			{"unknown column", "email,name,manager_email,salary\nx@northwind.example,X,,1\n", []string{"1 salary"}},
			{"broken quotes", "email,name,manager_email\n\"x@northwind.example,X,\n", []string{"2 "}},
			{"empty file", "", []string{"1 "}},
			{"not UTF-8", "email,name,manager_email\nx@northwind.example,\xff,\n", []string{"0 "}},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := e.Head(t)
				dry, err := imp(c.csv, service.ImportOptions{DryRun: true})
				if err != nil {
					t.Fatalf("dry run: %v", err)
				}
				var got []string
				for _, p := range dry.Errors {
					got = append(got, fmt.Sprintf("%d %s", p.Row, p.Field))
					if p.Message == "" {
						t.Errorf("an error without a message: %+v", p)
					}
				}
				if strings.Join(got, ",") != strings.Join(c.want, ",") {
					t.Fatalf("errors %q, want %q (%+v)", got, c.want, dry.Errors)
				}
				res, err := imp(c.csv, service.ImportOptions{})
				if mentorvault.ErrorCode(err) != mentorvault.EINVALID || res == nil || len(res.Errors) != len(c.want) {
					t.Fatalf("apply: %v %+v", err, res)
				}
				evs := e.Events(t, before)
				if len(evs) != 2 || !strings.Contains(evs[0].Detail, "dry run") || evs[1].Outcome != mentorvault.OutcomeFailed {
					t.Fatalf("the dry run and the failed apply are recorded: %+v", evs)
				}
				if pg, _ := e.Svc.People(ctx, grace, service.PeopleFilter{Query: "x@"}); len(pg.People) != 0 {
					t.Fatal("an apply with errors wrote a person")
				}
			})
		}

		// A BOM, semicolons, a manager later in the file, an existing person
		// renamed and one left as they are.
		file := "\ufeffEmail;Name;Manager_Email;Department\n" +
			"nina@northwind.example;Nina New;omar@northwind.example;Sales\n" +
			"omar@northwind.example;Omar Old;dave@northwind.example;Sales\n" +
			"heidi@northwind.example;Heidi Hall-Jones;;\n" +
			"alice@northwind.example;Alice Archer;;\n"
		dry, err := imp(file, service.ImportOptions{DryRun: true})
		if err != nil || len(dry.Errors) != 0 || dry.Created != 2 || dry.Updated != 1 || dry.Unchanged != 1 {
			t.Fatalf("dry run: %v %+v", err, dry)
		}
		if pg, _ := e.Svc.People(ctx, grace, service.PeopleFilter{Query: "nina"}); len(pg.People) != 0 {
			t.Fatal("a dry run wrote a person")
		}
		res, err := imp(file, service.ImportOptions{})
		if err != nil || res.Created != 2 || res.Updated != 1 || res.Unchanged != 1 || res.Deactivated != 0 {
			t.Fatalf("apply: %v %+v", err, res)
		}
		pg, err := e.Svc.People(ctx, grace, service.PeopleFilter{Query: "nina"})
		if err != nil || len(pg.People) != 1 || pg.People[0].ManagerName != "Omar Old" || pg.People[0].HasPassword {
			t.Fatalf("nina: %v %+v", err, pg)
		}
		again, err := imp(file, service.ImportOptions{})
		if err != nil || again.Created != 0 || again.Updated != 0 || again.Unchanged != 4 {
			t.Fatalf("the same file twice: %v %+v", err, again)
		}

		// Deactivating those missing, only when asked: never the importer.
		bob := e.Users["bob"]
		res, err = imp(file, service.ImportOptions{DeactivateMissing: true})
		// Every active demo person but the file's (alice, heidi) and the
		// importer (grace); nina and omar are in the file.
		missing := 0
		for _, p := range demo.People {
			if !p.Deactivated && p.Key != "alice" && p.Key != "heidi" && p.Key != "grace" {
				missing++
			}
		}
		if err != nil || res.Deactivated != missing {
			t.Fatalf("deactivate missing: %v %+v, want %d deactivated", err, res, missing)
		}
		if _, err := e.Svc.Login(ctx, bob.Email, "mentorvault-demo", "192.0.2.7"); !strings.Contains(mentorvault.ErrorMessage(err), "deactivated") {
			t.Fatalf("bob after the import: %v", err)
		}
		if v, err := e.Svc.Relationship(ctx, e.As("alice"), e.Rel.ID); err != nil || v.Status != mentorvault.StatusPaused {
			t.Fatalf("bob's relationship: %v %+v", err, v)
		}
		if p, _ := e.Svc.PersonByID(ctx, grace, e.Users["grace"].ID); !p.Active() {
			t.Fatal("the importer deactivated themself")
		}
	})
}
