package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"calibrate/internal/config"
	"calibrate/internal/store"
)

// backupCmd writes a portable backup of the whole database.
func backupCmd(args []string, stdout, stderr io.Writer, getenv config.Getenv) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "the backup file to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("usage: calibrate backup --out FILE")
	}
	_, st, _, err := open(getenv, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	n, err := st.Backup(context.Background(), f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(*out)
		return err
	}
	fmt.Fprintf(stdout, "backed up %d rows to %s\n", n, *out)
	return nil
}

// restoreCmd loads a backup into an empty database (migrating it first).
func restoreCmd(args []string, stdout, stderr io.Writer, getenv config.Getenv) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "the backup file to read")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return errors.New("usage: calibrate restore --in FILE")
	}
	_, st, _, err := open(getenv, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	n, err := st.Restore(ctx, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %d rows from %s\n", n, *in)
	return nil
}

// auditCmd checks the audit log's chains, or prints a signed checkpoint of
// their heads.
func auditCmd(args []string, stdout, stderr io.Writer, getenv config.Getenv) error {
	const use = "usage: calibrate audit verify [--checkpoint FILE] | calibrate audit checkpoint"
	if len(args) == 0 {
		return errors.New(use)
	}
	switch args[0] {
	case "verify":
		return auditVerify(args[1:], stdout, stderr, getenv)
	case "checkpoint":
		if len(args) != 1 {
			return errors.New(use)
		}
		return auditCheckpoint(stdout, stderr, getenv)
	}
	return errors.New(use)
}

func auditVerify(args []string, stdout, stderr io.Writer, getenv config.Getenv) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("checkpoint", "", "a checkpoint from `calibrate audit checkpoint`: the chains must reach its heads")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("audit verify: unexpected argument %q", fs.Arg(0))}
	}
	var cp *store.AuditCheckpoint
	if *file != "" {
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		cp, err = store.ReadAuditCheckpoint(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *file, err)
		}
	}
	_, st, _, err := open(getenv, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.VerifyAuditChains(context.Background(), cp)
	if err != nil {
		return err
	}
	if b := rep.Break; b != nil {
		return fmt.Errorf("audit chain broken: %w (after %d entries checked)", b, rep.Checked)
	}
	if cp != nil {
		fmt.Fprintf(stdout, "audit log intact: %d entries verified, reaching the checkpoint's %d head(s)\n", rep.Checked, len(cp.Heads))
		return nil
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries verified\n", rep.Checked)
	return nil
}

// auditCheckpoint prints the signed heads as the JSON file verify reads.
func auditCheckpoint(stdout, stderr io.Writer, getenv config.Getenv) error {
	_, st, _, err := open(getenv, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	cp, err := st.AuditCheckpoint(context.Background())
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(cp, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}
