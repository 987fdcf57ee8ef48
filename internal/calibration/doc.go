// Package calibration holds Calibrate's business rules: who may see and
// change people, frameworks, cycles, assessments, peer input, the board and
// readiness. It speaks domain types and errors, never HTTP, and reaches the
// database only through the small interfaces it declares.
package calibration
