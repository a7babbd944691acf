package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

const scimUsage = `Usage:
  mentorvault scim add --as ADMIN_EMAIL --name NAME
  mentorvault scim list --as ADMIN_EMAIL
  mentorvault scim revoke --as ADMIN_EMAIL --id CLIENT_ID
  mentorvault scim groups --as ADMIN_EMAIL

Every command runs as the org admin named by --as: Cedar decides it (org.scim).
add makes a SCIM provisioning client for an identity provider (Entra ID, Okta)
and prints its bearer token once: it is stored only as a hash and cannot be
shown again. Give the provider the tenant URL <base URL>/scim/v2 and the token.
revoke stops a client's token at once. groups lists the groups the providers
pushed, with their members (they grant nothing in mentorvault).
`

// cmdSCIM runs mentorvault scim add|list|revoke|groups.
func cmdSCIM(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, scimUsage)
		return usageError{errors.New("no scim command")}
	}
	sub := args[0]
	if sub == "help" || sub == "-h" || sub == "--help" {
		fmt.Fprint(stdout, scimUsage)
		return nil
	}
	var (
		c            storeConfig
		as, name, id string
	)
	fs := newFlagSet("scim "+sub, scimUsage, stdout)
	c.register(fs)
	fs.StringVar(&as, "as", "", "email of the org admin to act as (required)")
	switch sub {
	case "add":
		fs.StringVar(&name, "name", "", "a name for the client, such as Entra ID (required)")
	case "revoke":
		fs.StringVar(&id, "id", "", "the client's ID, from scim list (required)")
	case "list", "groups":
	default:
		fmt.Fprintf(stderr, "mentorvault: unknown scim command %q\n\n%s", sub, scimUsage)
		return usageError{fmt.Errorf("unknown scim command %q", sub)}
	}
	if err := parse(fs, args[1:], getenv); err != nil {
		return helpOK(err)
	}
	if as == "" || (sub == "add" && name == "") || (sub == "revoke" && id == "") {
		fmt.Fprintln(stdout, "missing flags: see mentorvault scim "+sub+" --help")
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
	case "add":
		v, token, err := a.svc.AddSCIMClient(ctx, p, name)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "Added the provisioning client %s (%s).\n", v.Name, v.ID)
		fmt.Fprintf(stdout, "Its token, shown this once (give it to the identity provider as the secret token):\n%s\n", token)
		fmt.Fprintln(stdout, "The SCIM base URL (tenant URL) is <base URL>/scim/v2.")
		return nil
	case "revoke":
		v, err := a.svc.RevokeSCIMClient(ctx, p, id)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "Revoked %s (%s): its token no longer works.\n", v.Name, v.ID)
		return nil
	case "groups":
		gs, err := a.svc.SCIMGroupsOfOrg(ctx, p)
		if err != nil {
			return describe(err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tGROUP\tMEMBERS")
		for _, g := range gs {
			names := ""
			for i, m := range g.Members {
				if i > 0 {
					names += ", "
				}
				names += m.Display
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", g.ID, g.DisplayName, names)
		}
		return tw.Flush()
	}
	list, err := a.svc.SCIMClients(ctx, p)
	if err != nil {
		return describe(err)
	}
	when := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.UTC().Format("2006-01-02 15:04")
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED\tREVOKED")
	for _, v := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", v.ID, v.Name, when(&v.CreatedAt), when(v.LastUsedAt), when(v.RevokedAt))
	}
	return tw.Flush()
}
