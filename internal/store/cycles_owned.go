package store

import "context"

// OwnedCycleIDs lists the cycles directorID leads or co-owns. Until the
// cycles migration exists there are none.
func (s *Store) OwnedCycleIDs(ctx context.Context, orgID, directorID string) ([]string, error) {
	return []string{}, nil
}
