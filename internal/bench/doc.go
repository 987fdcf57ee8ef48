// Package bench measures Calibrate on PostgreSQL (docs/PERFORMANCE.md):
// Go benchmarks of the board (GORM beside a hand-written pgx baseline of the
// same reads), of an assessment write and of a login, and a regression test
// that one board request costs the same, few database round trips whatever
// the number of participants. The load run against the real server is
// internal/bench/load, driven by .ci/bench.sh (make bench).
//
// Everything here is measurement code: the server never imports it.
package bench
