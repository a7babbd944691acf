package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

const programmeUsage = `Usage:
  mentorvault programme list --as EMAIL
  mentorvault programme create --as ADMIN_EMAIL --name NAME [--description TEXT] [--kind mentoring|peer] [--capacity N] [--open]
  mentorvault programme staff --as ADMIN_EMAIL --programme ID|NAME [--coordinator EMAIL]... [--supervisor EMAIL]...
  mentorvault programme enrolments --as COORDINATOR_EMAIL --programme ID|NAME [--offset N]

Every command runs as the person named by --as: Cedar decides it as theirs,
and the audit log records it as theirs (via=cli). "list" shows every
programme of the organisation to its admins, the ones they coordinate or
supervise to anyone else. "staff" replaces the programme's coordinators and
supervisors with the people named (none named: nobody). "enrolments" lists
who enrolled in a programme, with role, state and time zone (its
coordinators only; the read is audited as theirs).
`

// emails is a repeatable flag.
type emails []string

func (e *emails) String() string     { return strings.Join(*e, ",") }
func (e *emails) Set(v string) error { *e = append(*e, v); return nil }

// cmdProgramme runs mentorvault programme list|create|staff|enrolments.
func cmdProgramme(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, programmeUsage)
		return usageError{errors.New("no programme command")}
	}
	var (
		c                             storeConfig
		as, name, desc, kind, progRef string
		capacity, offset              int
		open                          bool
		coordinators, supervisors     emails
	)
	sub := args[0]
	if sub == "help" || sub == "-h" || sub == "--help" {
		fmt.Fprint(stdout, programmeUsage)
		return nil
	}
	usage := map[string]string{
		"list":       "programme list --as EMAIL",
		"create":     "programme create --as ADMIN_EMAIL --name NAME [--description TEXT] [--kind mentoring|peer] [--capacity N] [--open]",
		"staff":      "programme staff --as ADMIN_EMAIL --programme ID|NAME [--coordinator EMAIL]... [--supervisor EMAIL]...",
		"enrolments": "programme enrolments --as COORDINATOR_EMAIL --programme ID|NAME [--offset N]",
	}[sub]
	fs := newFlagSet("programme "+sub, usage, stdout)
	c.register(fs)
	fs.StringVar(&as, "as", "", "email of the person to act as (required)")
	switch sub {
	case "list":
	case "create":
		fs.StringVar(&name, "name", "", "the programme's name (required)")
		fs.StringVar(&desc, "description", "", "what the programme is for")
		fs.StringVar(&kind, "kind", "mentoring", `"mentoring" (a mentor and a mentee) or "peer" (two partners)`)
		fs.IntVar(&capacity, "capacity", 1, "how many mentees a mentor takes by default (1-20)")
		fs.BoolVar(&open, "open", false, "open enrolment at once")
	case "staff":
		fs.StringVar(&progRef, "programme", "", "the programme's ID or name (required)")
		fs.Var(&coordinators, "coordinator", "email of a coordinator (repeat for several)")
		fs.Var(&supervisors, "supervisor", "email of a supervisor (repeat for several)")
	case "enrolments":
		fs.StringVar(&progRef, "programme", "", "the programme's ID or name (required)")
		fs.IntVar(&offset, "offset", 0, "how many enrolments to skip")
	default:
		fmt.Fprintf(stderr, "mentorvault: unknown programme command %q\n\n%s", sub, programmeUsage)
		return usageError{fmt.Errorf("unknown programme command %q", sub)}
	}
	if err := parse(fs, args[1:], getenv); err != nil {
		return helpOK(err)
	}
	if as == "" || (sub == "create" && name == "") || ((sub == "staff" || sub == "enrolments") && progRef == "") {
		fmt.Fprintln(stdout, "missing flags: see mentorvault programme "+sub+" --help")
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
		l, err := a.svc.Programmes(ctx, p)
		if err != nil {
			return describe(err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tKIND\tENROLMENT\tCAPACITY\tYOUR ROLES")
		for _, it := range l.Programmes {
			state := enrolmentState(it.Programme)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", it.ID, it.Name, it.Kind, state, it.DefaultCapacity, strings.Join(it.Roles, ", "))
		}
		return tw.Flush()
	case "create":
		v, err := a.svc.CreateProgramme(ctx, p, service.NewProgramme{Name: name, Description: desc,
			Kind: mentorvault.ProgrammeKind(kind), EnrolmentOpen: open, DefaultCapacity: capacity})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "Created %s (%s, enrolment %s): %s\n", v.Name, v.Kind, enrolmentState(v.Programme), v.ID)
	case "staff":
		id, err := programmeID(ctx, a.svc, p, progRef)
		if err != nil {
			return err
		}
		v, err := a.svc.SetProgrammeStaff(ctx, p, id, service.ProgrammeStaff{Coordinators: coordinators, Supervisors: supervisors})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "%s: coordinators %s; supervisors %s.\n", v.Name, namesOf(v.Coordinators), namesOf(v.Supervisors))
	case "enrolments":
		id, err := programmeID(ctx, a.svc, p, progRef)
		if err != nil {
			return err
		}
		l, err := a.svc.Enrolments(ctx, p, id, service.EnrolmentPageFilter{Offset: offset})
		if err != nil {
			return describe(err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tEMAIL\tROLE\tSTATE\tENROLLED\tTIME ZONE")
		for _, e := range l.Enrolments {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Person.Name, e.Person.Email, e.Role, e.State(), e.EnrolledAt.Format("2006-01-02"), e.TimeZone)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if l.More {
			fmt.Fprintf(stdout, "More: --offset %d\n", l.Offset+len(l.Enrolments))
		}
	}
	return nil
}

// programmeID finds a programme the caller can see by ID or by name (any
// case); a name several programmes share must be given as an ID.
func programmeID(ctx context.Context, svc *service.Service, p mentorvault.Principal, ref string) (string, error) {
	if mentorvault.ValidID(ref) {
		return ref, nil
	}
	l, err := svc.Programmes(ctx, p)
	if err != nil {
		return "", describe(err)
	}
	id := ""
	for _, it := range l.Programmes {
		if strings.EqualFold(it.Name, ref) {
			if id != "" {
				return "", fmt.Errorf("several programmes are called %q: give its ID (mentorvault programme list)", ref)
			}
			id = it.ID
		}
	}
	if id == "" {
		return "", fmt.Errorf("no programme you can see is called %q", ref)
	}
	return id, nil
}

func enrolmentState(p *mentorvault.Programme) string {
	switch {
	case p.Archived():
		return "archived"
	case p.EnrolmentOpen:
		return "open"
	}
	return "closed"
}

func namesOf(ps []service.Person) string {
	if len(ps) == 0 {
		return "none"
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.Name+" <"+p.Email+">")
	}
	return strings.Join(out, ", ")
}
