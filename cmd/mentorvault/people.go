package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

const peopleUsage = `Usage:
  mentorvault people list --as ADMIN_EMAIL [--q PREFIX] [--limit N] [--offset N]
  mentorvault people add --as ADMIN_EMAIL --email EMAIL --name NAME [--manager EMAIL] [--base-url URL]
  mentorvault people deactivate --as ADMIN_EMAIL --email EMAIL
  mentorvault people import --as ADMIN_EMAIL FILE [--dry-run] [--deactivate-missing]

Every command runs as the org admin named by --as: Cedar decides it as that
admin's, and the audit log records it as theirs (via=cli). "add" prints the
person's invitation link to set their own password, once.
`

// cmdPeople runs mentorvault people list|add|deactivate.
func cmdPeople(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, peopleUsage)
		return usageError{errors.New("no people command")}
	}
	var (
		c                                  storeConfig
		as, q, email, name, manager, baseU string
		limit, offset                      int
		dryRun, missing                    bool
	)
	sub := args[0]
	if sub == "help" || sub == "-h" || sub == "--help" {
		fmt.Fprint(stdout, peopleUsage)
		return nil
	}
	usage := map[string]string{
		"list":       "people list --as ADMIN_EMAIL [--q PREFIX] [--limit N] [--offset N]",
		"add":        "people add --as ADMIN_EMAIL --email EMAIL --name NAME [--manager EMAIL] [--base-url URL]",
		"deactivate": "people deactivate --as ADMIN_EMAIL --email EMAIL",
		"import":     "people import --as ADMIN_EMAIL [--dry-run] [--deactivate-missing] FILE   (CSV: email,name,manager_email[,department,title])",
	}[sub]
	fs := newFlagSet("people "+sub, usage, stdout)
	c.register(fs)
	fs.StringVar(&as, "as", "", "email of the org admin to act as (required)")
	switch sub {
	case "list":
		fs.StringVar(&q, "q", "", "only people whose name or email starts with this (any case)")
		fs.IntVar(&limit, "limit", 0, "at most this many (default 50, at most 500)")
		fs.IntVar(&offset, "offset", 0, "skip this many first")
	case "add":
		fs.StringVar(&email, "email", "", "the person's email (required)")
		fs.StringVar(&name, "name", "", "the person's full name (required)")
		fs.StringVar(&manager, "manager", "", "email of their line manager")
		fs.StringVar(&baseU, "base-url", "", "the server's address, to print the whole invitation link (e.g. https://mentoring.example.org)")
	case "deactivate":
		fs.StringVar(&email, "email", "", "whom to deactivate (required)")
	case "import":
		fs.BoolVar(&dryRun, "dry-run", false, "only check the file and show what would be done")
		fs.BoolVar(&missing, "deactivate-missing", false, "deactivate the active people the file does not list (never you)")
	default:
		fmt.Fprintf(stderr, "mentorvault: unknown people command %q\n\n%s", sub, peopleUsage)
		return usageError{fmt.Errorf("unknown people command %q", sub)}
	}
	// The import's FILE comes first (people import FILE --as …) or last.
	rest, file := args[1:], ""
	if sub == "import" && len(rest) > 0 {
		if !strings.HasPrefix(rest[0], "-") {
			file, rest = rest[0], rest[1:]
		} else if n := len(rest); !strings.HasPrefix(rest[n-1], "-") {
			file, rest = rest[n-1], rest[:n-1]
		}
	}
	if err := parse(fs, rest, getenv); err != nil {
		return helpOK(err)
	}
	if sub == "import" && file == "" {
		fmt.Fprintln(stdout, "name one CSV file: mentorvault people import --as ADMIN_EMAIL FILE")
		return usageError{errors.New("no file")}
	}
	if as == "" || (sub != "list" && sub != "import" && email == "") || (sub == "add" && name == "") {
		fmt.Fprintln(stdout, "missing flags: see mentorvault people "+sub+" --help")
		return usageError{errors.New("missing flags")}
	}
	a, err := openApp(ctx, c, getenv, quietLogger(stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	p, err := a.svc.OperatorPrincipal(ctx, as)
	if err != nil {
		return describe(err)
	}
	switch sub {
	case "list":
		pg, err := a.svc.People(ctx, p, service.PeopleFilter{Query: q, Limit: limit, Offset: offset})
		if err != nil {
			return describe(err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tEMAIL\tLINE MANAGER\tACCOUNT")
		for _, v := range pg.People {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Name, v.Email, v.ManagerName, accountState(v))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if pg.More {
			fmt.Fprintf(stdout, "More: --offset %d\n", pg.Offset+len(pg.People))
		}
	case "add":
		v, link, err := a.svc.AddPerson(ctx, p, service.NewPerson{Name: name, Email: email, ManagerEmail: manager})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "Added %s <%s>. Give them this invitation link to set their password (shown once; it works once, until %s UTC):\n%s/invite/%s\n",
			v.Name, v.Email, link.ExpiresAt.Format("2 Jan 2006 15:04"), strings.TrimRight(baseU, "/"), link.Token)
	case "import":
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		res, err := a.svc.ImportPeople(ctx, p, f, service.ImportOptions{DryRun: dryRun, DeactivateMissing: missing})
		if res != nil {
			for _, e := range res.Errors {
				where := fmt.Sprintf("row %d", e.Row)
				if e.Row == 0 {
					where = "file"
				}
				if e.Field != "" {
					where += ", " + e.Field
				}
				fmt.Fprintf(stdout, "%s: %s\n", where, e.Message)
			}
			verb := "Imported"
			if res.DryRun {
				verb = "Dry run, nothing written"
			}
			if len(res.Errors) == 0 {
				fmt.Fprintf(stdout, "%s: %d to create, %d to update, %d unchanged, %d to deactivate.\n", verb, res.Created, res.Updated, res.Unchanged, res.Deactivated)
			}
		}
		if err != nil {
			return describe(err)
		}
		if len(res.Errors) > 0 {
			return fmt.Errorf("the file has %d errors", len(res.Errors))
		}
	case "deactivate":
		pg, err := a.svc.People(ctx, p, service.PeopleFilter{Query: email, Limit: mentorvault.MaxPeoplePage})
		if err != nil {
			return describe(err)
		}
		var id string
		for _, v := range pg.People {
			if v.Email == mentorvault.NormalizeEmail(email) {
				id = v.ID
			}
		}
		if id == "" {
			return fmt.Errorf("nobody in your organisation has the email %s", mentorvault.NormalizeEmail(email))
		}
		v, err := a.svc.DeactivatePerson(ctx, p, id)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "Deactivated %s <%s>: signed out everywhere, API tokens revoked, active relationships paused.\n", v.Name, v.Email)
	}
	return nil
}

func accountState(v *service.PersonView) string {
	switch {
	case !v.Active():
		return "deactivated"
	case v.HasPassword && v.OrgAdmin:
		return "active, org admin"
	case v.HasPassword:
		return "active"
	case v.Invitation == mentorvault.InvitationOpen:
		return "invited"
	case v.Invitation != "":
		return "invitation " + string(v.Invitation)
	}
	return "not invited"
}
