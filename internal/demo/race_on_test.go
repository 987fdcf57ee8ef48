//go:build race

package demo_test

// raceDetector: the race detector slows seeding and every board ten-fold,
// so the comparisons use a smaller seeded organisation under it (make test
// runs them so); `go test` without -race compares the full size.
const raceDetector = true
