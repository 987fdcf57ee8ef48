//go:build race

package bench_test

// raceDetector: the race detector slows seeding and the board ten-fold, so
// the round-trip test uses smaller organisations under it (make test).
const raceDetector = true
