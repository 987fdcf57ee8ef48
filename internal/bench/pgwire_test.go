package bench_test

import (
	"context"
	"database/sql"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"calibrate/internal/bench"
)

// pingsApart checks that the counter counts a statement's round trip and
// the driver's liveness ping apart from them: a ping depends on how long a
// connection sat idle, not on what a request does.
func pingsApart(t *testing.T, wire *bench.RoundTripCounter, url string) {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
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
