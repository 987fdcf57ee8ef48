// Package domain holds Calibrate's entities, roles, states and the one error
// vocabulary every other package speaks. It imports only the standard library,
// so the business rules (calibration) and the persistence (store) can both
// depend on it without depending on each other.
package domain
