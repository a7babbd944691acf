package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/mentorvault/mentorvault/internal/seal"
)

const keysUsage = `Usage:
  mentorvault keys list   [--data DIR | --database-url URL] [--master-key-file FILE]
  mentorvault keys rotate [--data DIR | --database-url URL] [--master-key-file FILE]
  mentorvault keys rewrap [--data DIR | --database-url URL] [--master-key-file FILE]
  mentorvault keys retire VERSION [--data DIR | --database-url URL] [--master-key-file FILE]

The master key has versions. "rotate" adds a version, makes it the one new
keys are wrapped with, and rewraps every live data key with it; "rewrap"
finishes a rotation that was interrupted. "retire" destroys an old version once
no live key uses it: after that, no copy of the database from before the
rotation can be opened with this key file — which is what makes an erasure
final in backups too (see docs/backups.md). Back up the key file after each
rotation. Running servers read the changed key file within a minute.
`

func cmdKeys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "rotate" && args[0] != "rewrap" && args[0] != "retire") {
		return subcommandHelp("keys", keysUsage, args, stdout, stderr)
	}
	sub, rest := args[0], args[1:]
	var version uint32
	if sub == "retire" {
		if len(rest) == 0 || rest[0] == "" || rest[0][0] == '-' {
			if len(rest) > 0 && (rest[0] == "-h" || rest[0] == "--help") {
				fmt.Fprint(stdout, keysUsage)
				return nil
			}
			fmt.Fprintf(stderr, "mentorvault keys retire: which version? (mentorvault keys list shows them)\n\n%s", keysUsage)
			return usageError{errors.New("no version")}
		}
		v, err := strconv.ParseUint(rest[0], 10, 32)
		if err != nil {
			fmt.Fprintf(stderr, "mentorvault keys retire: %q is not a version number (mentorvault keys list shows them)\n", rest[0])
			return usageError{errors.New("bad version")}
		}
		version, rest = uint32(v), rest[1:]
	}
	var c storeConfig
	fs := newFlagSet("keys "+sub, "keys "+sub+" [--data DIR | --database-url URL] [--master-key-file FILE]", stdout)
	c.register(fs)
	if err := parse(fs, rest, getenv); err != nil {
		return helpOK(err)
	}
	if _, err := os.Stat(c.keyPath()); err != nil {
		return fmt.Errorf("no master key at %s: %w", c.keyPath(), err)
	}
	switch sub {
	case "rotate":
		v, err := seal.RotateMasterKey(c.keyPath())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "master key version %d added and made primary; back up %s now\n", v, c.keyPath())
		return rewrap(ctx, c, getenv, stdout, stderr)
	case "rewrap":
		return rewrap(ctx, c, getenv, stdout, stderr)
	case "retire":
		return retire(ctx, c, version, getenv, stdout, stderr)
	}
	return listKeys(ctx, c, getenv, stdout, stderr)
}

// keyUse opens the database and counts the live keys per version.
func keyUse(ctx context.Context, c storeConfig, getenv func(string) string, stderr io.Writer) ([]seal.MasterVersion, map[uint32]int, error) {
	vs, err := seal.MasterKeyVersions(c.keyPath())
	if err != nil {
		return nil, nil, err
	}
	a, err := openApp(ctx, c, getenv, quietLogger(stderr))
	if err != nil {
		return nil, nil, err
	}
	defer a.Close()
	use, err := a.svc.MasterKeyUse(ctx)
	return vs, use, err
}

func listKeys(ctx context.Context, c storeConfig, getenv func(string) string, stdout, stderr io.Writer) error {
	vs, use, err := keyUse(ctx, c, getenv, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "VERSION     PRIMARY  LIVE KEYS")
	known := map[uint32]bool{}
	for _, v := range vs {
		known[v.ID] = true
		p := ""
		if v.Primary {
			p = "yes"
		}
		fmt.Fprintf(stdout, "%-11d %-8s %d\n", v.ID, p, use[v.ID])
	}
	for v, n := range use {
		if !known[v] {
			fmt.Fprintf(stdout, "%-11d %-8s %d (retired: these keys cannot be opened)\n", v, "", n)
		}
	}
	return nil
}

func rewrap(ctx context.Context, c storeConfig, getenv func(string) string, stdout, stderr io.Writer) error {
	vs, err := seal.MasterKeyVersions(c.keyPath())
	if err != nil {
		return err
	}
	var primary uint32
	for _, v := range vs {
		if v.Primary {
			primary = v.ID
		}
	}
	a, err := openApp(ctx, c, getenv, quietLogger(stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	n, skipped, err := a.svc.RewrapKeys(ctx, primary)
	if err != nil {
		return fmt.Errorf("rewrap (%d keys rewrapped before this; run mentorvault keys rewrap to go on): %w", n, err)
	}
	fmt.Fprintf(stdout, "%d keys rewrapped with version %d\n", n, primary)
	if skipped > 0 {
		fmt.Fprintf(stdout, "%d keys changed while this ran; run mentorvault keys rewrap again once servers have read the new key file\n", skipped)
	}
	return nil
}

func retire(ctx context.Context, c storeConfig, version uint32, getenv func(string) string, stdout, stderr io.Writer) error {
	_, use, err := keyUse(ctx, c, getenv, stderr)
	if err != nil {
		return err
	}
	if n := use[version]; n > 0 {
		return fmt.Errorf("version %d still wraps %d live keys: run mentorvault keys rewrap first (a server that has not yet read the new key file may have wrapped new ones with it)", version, n)
	}
	if err := seal.RetireMasterKey(c.keyPath(), version); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "master key version %d retired: nothing it wrapped can be opened again; back up %s now\n", version, c.keyPath())
	return nil
}
