package bench_test

import (
	"context"
	"database/sql"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"calibrate/internal/bench"
	"calibrate/internal/config"
	"calibrate/internal/testkit"
)

// The counter counts a statement's round trip, and the driver's liveness
// ping apart from them: a ping depends on how long a connection sat idle,
// not on what a request does.
func TestRoundTripCounterSetsPingsApart(t *testing.T) {
	cfg := testkit.NewConfig(t)
	if cfg.Dialect != config.Postgres {
		t.Skip("the counter reads PostgreSQL's wire protocol; make test runs this in its PostgreSQL pass")
	}
	wire, err := bench.NewRoundTripCounter(cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wire.Close() })
	db, err := sql.Open("pgx", wire.URL(cfg.DatabaseURL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	before, pings := wire.RoundTrips(), wire.Pings()
	if err := conn.PingContext(ctx); err != nil {
		t.Fatal(err)
	}
	if wire.Pings() != pings+1 || wire.RoundTrips() != before {
		t.Fatalf("a ping: %d pings and %d round trips more, want 1 and 0", wire.Pings()-pings, wire.RoundTrips()-before)
	}
	var one int
	if err := conn.QueryRowContext(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("select 1: %d, %v", one, err)
	}
	if wire.RoundTrips() <= before || wire.Pings() != pings+1 {
		t.Fatalf("a statement: %d round trips and %d pings more", wire.RoundTrips()-before, wire.Pings()-pings-1)
	}
}
