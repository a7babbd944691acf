package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/audit"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/service"
)

func quietLogger(stderr io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func cmdDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c storeConfig
	fs := newFlagSet("demo", "demo [--data DIR | --database-url URL]", stdout)
	c.register(fs)
	if err := parse(fs, args, getenv); err != nil {
		return helpOK(err)
	}
	a, err := openApp(ctx, c, getenv, quietLogger(stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	if a.created {
		fmt.Fprintln(stdout, masterKeyMessage(c))
	}
	seeded, err := demo.Seed(ctx, a.svc)
	if err != nil {
		return err
	}
	if !seeded {
		fmt.Fprintln(stdout, "The database already holds an organisation; nothing was seeded.")
		return nil
	}
	fmt.Fprintln(stdout, "Seeded the demo organisation.")
	fmt.Fprint(stdout, demo.LoginHelp("the server (mentorvault serve)"))
	return nil
}

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c storeConfig
	fs := newFlagSet("migrate", "migrate [--data DIR | --database-url URL]", stdout)
	c.register(fs)
	if err := parse(fs, args, getenv); err != nil {
		return helpOK(err)
	}
	a, err := openApp(ctx, c, getenv, quietLogger(stderr)) // opening migrates
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(stdout, "The %s database is up to date.\n", a.db.Dialect())
	return nil
}

func cmdUserAdd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var (
		c                         storeConfig
		email, name, org, manager string
		orgAdmin, requester       bool
	)
	fs := newFlagSet("user add", "user add --email EMAIL --name NAME [flags]   (reads the password from standard input)", stdout)
	c.register(fs)
	fs.StringVar(&email, "email", "", "the user's email (required)")
	fs.StringVar(&name, "name", "", "the user's full name (required)")
	fs.StringVar(&org, "org", "", "organisation name (created if there is none yet; default: the only one)")
	fs.StringVar(&manager, "manager", "", "email of the user's line manager")
	fs.BoolVar(&orgAdmin, "org-admin", false, "make the user an organisation admin")
	fs.BoolVar(&requester, "requester", false, "allow the user to request input from mentors (HR, promotion panels)")
	if err := parse(fs, args, getenv); err != nil {
		return helpOK(err)
	}
	if email == "" || name == "" {
		fmt.Fprintln(stdout, "--email and --name are required")
		return usageError{errors.New("missing flags")}
	}
	fmt.Fprintf(stderr, "Password for %s (at least %d characters, then Enter): ", email, service.MinPasswordLen)
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return fmt.Errorf("read password from standard input: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	fmt.Fprintln(stderr)

	a, err := openApp(ctx, c, getenv, quietLogger(stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	orgs, err := a.svc.Orgs(ctx)
	if err != nil {
		return err
	}
	var target *mentorvault.Org
	for _, o := range orgs {
		if org == "" || strings.EqualFold(o.Name, org) {
			if target != nil && org == "" {
				return errors.New("there are several organisations; name one with --org")
			}
			target = o
		}
	}
	in := service.NewUser{Email: email, Name: name, Password: password, ManagerEmail: manager, OrgAdmin: orgAdmin, Requester: requester}
	orgName := org
	if target != nil {
		in.OrgID, orgName = target.ID, target.Name
	} else {
		if org == "" {
			return errors.New("there is no organisation yet; name one with --org to create it")
		}
		in.NewOrgName = org
	}
	u, err := a.svc.OperatorAddUser(ctx, in)
	if err != nil {
		return describe(err)
	}
	if target == nil {
		fmt.Fprintf(stdout, "Created organisation %q.\n", strings.TrimSpace(orgName))
	}
	fmt.Fprintf(stdout, "Added %s <%s> to %s.\n", u.Name, u.Email, strings.TrimSpace(orgName))
	return nil
}

func cmdTokenCreate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c storeConfig
	var email, name string
	fs := newFlagSet("token create", "token create --email EMAIL [--name NAME]", stdout)
	c.register(fs)
	fs.StringVar(&email, "email", "", "whose token (required)")
	fs.StringVar(&name, "name", "cli", "a name to recognise the token by")
	if err := parse(fs, args, getenv); err != nil {
		return helpOK(err)
	}
	if email == "" {
		fmt.Fprintln(stdout, "--email is required")
		return usageError{errors.New("missing --email")}
	}
	a, err := openApp(ctx, c, getenv, quietLogger(stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	raw, _, err := a.svc.OperatorCreateToken(ctx, email, name)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "API token for %s (shown once; use it as 'Authorization: Bearer <token>'):\n%s\n", email, raw)
	return nil
}

func cmdAuditVerify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c storeConfig
	fs := newFlagSet("audit verify", "audit verify [--data DIR | --database-url URL]", stdout)
	c.register(fs)
	if err := parse(fs, args, getenv); err != nil {
		return helpOK(err)
	}
	a, err := openApp(ctx, c, getenv, quietLogger(stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	cp, err := audit.ReadCheckpoint(c.checkpointPath())
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read the audit checkpoint: %w", err)
	}
	var sealed service.SealedAudit
	n, err := audit.VerifyEach(ctx, a.db, cp, sealed.Add)
	if err != nil {
		var be *audit.BrokenError
		if errors.As(err, &be) {
			if be.ID == "" {
				return fmt.Errorf("the audit log is broken at event %d: %s", be.Seq, be.Reason)
			}
			return fmt.Errorf("the audit log is broken at event %d (%s): %s", be.Seq, be.ID, be.Reason)
		}
		return err
	}
	head, err := chainHead(ctx, a.db)
	if err != nil {
		return err
	}
	if head.Seq > 0 && (cp == nil || head.Seq > cp.Seq) {
		ncp := audit.Checkpoint{Seq: head.Seq, Hash: head.Hash, At: time.Now().UTC()}
		if err := audit.WriteCheckpoint(c.checkpointPath(), ncp); err != nil {
			return fmt.Errorf("write the audit checkpoint: %w", err)
		}
	}
	fmt.Fprintf(stdout, "audit log intact: %d events\n", n)
	rep, err := a.svc.VerifySealed(ctx, &sealed)
	if err != nil {
		return fmt.Errorf("check sealed records against the audit log: %w", err)
	}
	if len(rep.Problems) > 0 {
		for _, p := range rep.Problems {
			fmt.Fprintf(stdout, "damaged: %s\n", p)
		}
		return fmt.Errorf("%d of %d sealed records do not match their last audited write: they were changed outside mentorvault", len(rep.Problems), rep.Checked)
	}
	fmt.Fprintf(stdout, "sealed records intact: %d match their last audited write", rep.Checked)
	if rep.Legacy > 0 {
		fmt.Fprintf(stdout, " (%d sealed before bindings, not checked)", rep.Legacy)
	}
	fmt.Fprintln(stdout)
	return nil
}

func cmdVersion(stdout io.Writer) error {
	v := mentorvault.Version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v = "dev-" + s.Value[:12]
			}
		}
	}
	fmt.Fprintf(stdout, "mentorvault %s\n", v)
	return nil
}

// describe adds the per-field problems of a domain error to its message.
func describe(err error) error {
	fields := mentorvault.ErrorFields(err)
	if len(fields) == 0 {
		return errors.New(mentorvault.ErrorMessage(err))
	}
	var parts []string
	for f, m := range fields {
		parts = append(parts, f+" "+m)
	}
	return fmt.Errorf("%s: %s", mentorvault.ErrorMessage(err), strings.Join(parts, "; "))
}
