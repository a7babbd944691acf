package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mentorvault/mentorvault/internal/service"
)

const ssoUsage = `Usage:
  mentorvault sso add --as ADMIN_EMAIL --name NAME --issuer URL --client-id ID --client-secret-file FILE --domains a.example,b.example [--sso-only] [--create-users]
  mentorvault sso list --as ADMIN_EMAIL

Every command runs as the org admin named by --as: Cedar decides it (org.sso).
The client secret is never stored: the server reads it from FILE at each
sign-in, so FILE must be readable by the server.
`

// cmdSSO runs mentorvault sso add|list.
func cmdSSO(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, ssoUsage)
		return usageError{errors.New("no sso command")}
	}
	sub := args[0]
	if sub == "help" || sub == "-h" || sub == "--help" {
		fmt.Fprint(stdout, ssoUsage)
		return nil
	}
	var (
		c                                           storeConfig
		as, name, issuer, clientID, secret, domains string
		ssoOnly, createUsers                        bool
	)
	fs := newFlagSet("sso "+sub, ssoUsage, stdout)
	c.register(fs)
	fs.StringVar(&as, "as", "", "email of the org admin to act as (required)")
	switch sub {
	case "add":
		fs.StringVar(&name, "name", "", "the name on the sign-in button (required)")
		fs.StringVar(&issuer, "issuer", "", "the provider's issuer URL (required)")
		fs.StringVar(&clientID, "client-id", "", "mentorvault's client ID at the provider (required)")
		fs.StringVar(&secret, "client-secret-file", "", "file that holds the client secret (required; not stored)")
		fs.StringVar(&domains, "domains", "", "comma-separated email domains whose people sign in there (required)")
		fs.BoolVar(&ssoOnly, "sso-only", false, "people of these domains may not sign in with a password")
		fs.BoolVar(&createUsers, "create-users", false, "create the account at a first sign-in from these domains")
	case "list":
	default:
		fmt.Fprintf(stderr, "mentorvault: unknown sso command %q\n\n%s", sub, ssoUsage)
		return usageError{fmt.Errorf("unknown sso command %q", sub)}
	}
	if err := parse(fs, args[1:], getenv); err != nil {
		return helpOK(err)
	}
	if as == "" || (sub == "add" && (name == "" || issuer == "" || clientID == "" || secret == "" || domains == "")) {
		fmt.Fprintln(stdout, "missing flags: see mentorvault sso "+sub+" --help")
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
	if sub == "add" {
		v, err := a.svc.AddSSOProvider(ctx, p, service.NewSSOProvider{Name: name, Issuer: issuer, ClientID: clientID, SecretFile: secret,
			Domains: strings.Split(domains, ","), SSOOnly: ssoOnly, CreateUsers: createUsers})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "Added %s (%s). Register this redirect URI at the provider: <base URL>/login/sso/%s/callback\n", v.Name, v.ID, v.ID)
		return nil
	}
	list, err := a.svc.SSOProviders(ctx, p)
	if err != nil {
		return describe(err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tISSUER\tCLIENT ID\tDOMAINS\tSSO ONLY\tCREATE USERS")
	for _, v := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%t\t%t\n", v.ID, v.Name, v.Issuer, v.ClientID, strings.Join(v.Domains, ","), v.SSOOnly, v.CreateUsers)
	}
	return tw.Flush()
}
