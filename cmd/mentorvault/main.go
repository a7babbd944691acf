// Command mentorvault runs the mentorvault server and its operator tasks.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "mentorvault:", err)
		os.Exit(1)
	}
}

const topUsage = `mentorvault — a mentoring platform that keeps what mentor and mentee say between them.

Usage:
  mentorvault serve [--data DIR] [--addr HOST:PORT] [--database-url URL] [--demo]
  mentorvault demo [--data DIR | --database-url URL]
  mentorvault user add --email EMAIL --name NAME [--org NAME] [--manager EMAIL] [--org-admin] [--requester]
  mentorvault token create --email EMAIL [--name NAME]
  mentorvault people list|add|deactivate|import --as ADMIN_EMAIL [flags]
  mentorvault sso add|list --as ADMIN_EMAIL [flags]
  mentorvault scim add|list|revoke|groups --as ADMIN_EMAIL [flags]
  mentorvault programme list|create|staff|enrolments --as EMAIL [flags]
  mentorvault migrate [--data DIR | --database-url URL]
  mentorvault audit verify [--data DIR | --database-url URL]
  mentorvault keys list|rotate|rewrap|retire VERSION [--data DIR | --database-url URL]
  mentorvault version

Run "mentorvault COMMAND --help" for a command's flags. Every flag can also be
set with an environment variable: --database-url is MENTORVAULT_DATABASE_URL.
`

// usageError means the command line was wrong; its message is already printed.
type usageError struct{ error }

// run is the whole program, with its environment passed in so tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, topUsage)
		return usageError{errors.New("no command")}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, getenv, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, getenv, stdout, stderr)
	case "user":
		if len(rest) > 0 && rest[0] == "add" {
			return cmdUserAdd(ctx, rest[1:], getenv, stdin, stdout, stderr)
		}
		return subcommandHelp("user", userUsage, rest, stdout, stderr)
	case "token":
		if len(rest) > 0 && rest[0] == "create" {
			return cmdTokenCreate(ctx, rest[1:], getenv, stdout, stderr)
		}
		return subcommandHelp("token", tokenUsage, rest, stdout, stderr)
	case "people":
		return cmdPeople(ctx, rest, getenv, stdout, stderr)
	case "sso":
		return cmdSSO(ctx, rest, getenv, stdout, stderr)
	case "scim":
		return cmdSCIM(ctx, rest, getenv, stdout, stderr)
	case "programme":
		return cmdProgramme(ctx, rest, getenv, stdout, stderr)
	case "audit":
		if len(rest) > 0 && rest[0] == "verify" {
			return cmdAuditVerify(ctx, rest[1:], getenv, stdout, stderr)
		}
		return subcommandHelp("audit", auditUsage, rest, stdout, stderr)
	case "keys":
		return cmdKeys(ctx, rest, getenv, stdout, stderr)
	case "version", "--version":
		return cmdVersion(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, topUsage)
		return nil
	}
	fmt.Fprintf(stderr, "mentorvault: unknown command %q\n\n%s", cmd, topUsage)
	return usageError{fmt.Errorf("unknown command %q", cmd)}
}

// Usages of the commands that have one subcommand each.
const (
	userUsage = `Usage:
  mentorvault user add --email EMAIL --name NAME [--org NAME] [--manager EMAIL] [--org-admin] [--requester]

Adds a person (and their organisation, if it is new). The password is read from
standard input. Run "mentorvault user add --help" for every flag.
`
	tokenUsage = `Usage:
  mentorvault token create --email EMAIL [--name NAME]

Creates an API token for the person with that email and prints it once.
Run "mentorvault token create --help" for every flag.
`
	auditUsage = `Usage:
  mentorvault audit verify [--data DIR | --database-url URL]

Checks the audit log's hash chain from its first event to its head and
prints the head. Run "mentorvault audit verify --help" for every flag.
`
)

// subcommandHelp answers a command given no subcommand, help, or one it
// does not have: help on stdout, a usage error otherwise.
func subcommandHelp(cmd, usage string, rest []string, stdout, stderr io.Writer) error {
	if len(rest) > 0 && (rest[0] == "help" || rest[0] == "-h" || rest[0] == "--help") {
		fmt.Fprint(stdout, usage)
		return nil
	}
	if len(rest) == 0 {
		fmt.Fprintf(stderr, "mentorvault %s: which %s command?\n\n%s", cmd, cmd, usage)
		return usageError{fmt.Errorf("no %s command", cmd)}
	}
	fmt.Fprintf(stderr, "mentorvault %s: unknown command %q\n\n%s", cmd, rest[0], usage)
	return usageError{fmt.Errorf("unknown %s command %q", cmd, rest[0])}
}
