package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"calibrate/internal/auth"
	"calibrate/internal/config"
	"calibrate/internal/demo"
)

// seedCmd adds a synthetic organisation: calibrate seed --org NAME --ems N
// --cycles K [--directors D].
func seedCmd(args []string, stdout, stderr io.Writer, getenv config.Getenv) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := fs.String("org", "", "organisation name (must not exist)")
	ems := fs.Int("ems", 30, "number of EMs")
	cycles := fs.Int("cycles", 4, "released cycles before the one in calibration")
	directors := fs.Int("directors", 1, "number of directors sharing the EMs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *org == "" {
		return fmt.Errorf("usage: calibrate seed --org NAME --ems N --cycles K [--directors D]")
	}
	st, _, err := openMigrated(getenv, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	start := time.Now()
	res, err := demo.Seed(ctx, st, auth.NewHasher(auth.DefaultArgon2), demo.SeedOptions{
		Org: *org, EMs: *ems, Cycles: *cycles, Directors: *directors, Now: time.Now().UTC()})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %s: %d users, %d cycles, %d ratings in %s (password %s)\n",
		*org, res.Users, res.Cycles, res.Ratings, time.Since(start).Round(time.Millisecond), demo.DemoPassword)
	return nil
}
