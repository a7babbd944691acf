package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// storeConfig are the flags every command that opens the database shares.
type storeConfig struct {
	DataDir       string
	DatabaseURL   string
	MasterKeyFile string
	// Mail turns email on (serve sets it from --smtp-url); nil is off.
	Mail *service.MailOptions
}

func (c *storeConfig) register(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", "./mentorvault-data", "data directory: SQLite database, master key, audit checkpoint")
	fs.StringVar(&c.DatabaseURL, "database-url", "", "PostgreSQL URL (postgres://…); empty uses SQLite in the data directory")
	fs.StringVar(&c.MasterKeyFile, "master-key-file", "", "master key file (default DIR/master.key)")
}

func (c *storeConfig) keyPath() string {
	if c.MasterKeyFile != "" {
		return c.MasterKeyFile
	}
	return filepath.Join(c.DataDir, "master.key")
}

func (c *storeConfig) checkpointPath() string { return filepath.Join(c.DataDir, "audit.checkpoint") }

// newFlagSet returns a flag set whose --help goes to stdout.
func newFlagSet(name, usage string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: mentorvault %s\n\nFlags (each also read from MENTORVAULT_<FLAG>, e.g. --database-url from MENTORVAULT_DATABASE_URL):\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse applies MENTORVAULT_* environment variables, then the command line,
// which wins.
func parse(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := "MENTORVAULT_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(name); v != "" && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = fmt.Errorf("%s: %w", name, err)
			}
		}
	})
	if envErr != nil {
		return envErr
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return usageError{errors.New("unexpected arguments")}
	}
	return nil
}

// app is everything a command needs, opened from the configuration.
type app struct {
	db      *sqlstore.DB
	svc     *service.Service
	keys    *seal.Keyring
	created bool // the master key was created now
}

func (a *app) Close() error { return a.db.Close() }

func openApp(ctx context.Context, c storeConfig, getenv func(string) string, log *slog.Logger) (*app, error) {
	if c.DatabaseURL == "" {
		if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
	}
	master, created, err := seal.LoadOrCreateMasterKey(c.keyPath())
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	db, err := sqlstore.Open(ctx, c.DatabaseURL, filepath.Join(c.DataDir, "mentorvault.db"))
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	authz, err := policy.New()
	if err != nil {
		db.Close()
		return nil, err
	}
	opts := service.Options{Logger: log, Mail: c.Mail}
	// Only for tests: cheap password hashing.
	if getenv("MENTORVAULT_INSECURE_FAST_HASHES") == "1" {
		opts.PasswordParams = auth.TestParams
	}
	keys := seal.NewKeyring(master)
	// A key rewrapped by a newer master key version (mentorvault keys
	// rotate, run while this process is up) is opened by reading the file again.
	keys.SetReload(func() (tink.AEAD, error) { return seal.LoadMasterKey(c.keyPath()) })
	svc, err := service.New(db, authz, keys, opts)
	if err != nil {
		db.Close()
		return nil, err
	}
	if created {
		// A new key next to existing data would make all of it unreadable:
		// refuse rather than guess.
		orgs, err := svc.Orgs(ctx)
		if err != nil || len(orgs) > 0 {
			db.Close()
			_ = os.Remove(c.keyPath())
			return nil, fmt.Errorf("the database already holds data but the master key %s is missing; restore it from your backup (or set --master-key-file)", c.keyPath())
		}
	}
	return &app{db: db, svc: svc, keys: keys, created: created}, nil
}

func masterKeyMessage(c storeConfig) string {
	return fmt.Sprintf("Created a new master key at %s. Back it up now, somewhere other than this server: without it, no sealed content can ever be read again.", c.keyPath())
}
