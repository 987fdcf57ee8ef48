package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"calibrate/internal/domain"
)

// UnfinishedCyclesTouching lists, sorted, the cycles of orgID not yet
// finalized that have one of ownerIDs as an owner (the lead included) or
// one of participantIDs as a participant.
func (s *Store) UnfinishedCyclesTouching(ctx context.Context, orgID string, ownerIDs, participantIDs []string) ([]string, error) {
	ids := []string{}
	if len(ownerIDs) == 0 && len(participantIDs) == 0 {
		return ids, nil
	}
	// An empty IN () is not valid SQL everywhere: a list that can never
	// match stands in for it.
	none := []string{""}
	if len(ownerIDs) == 0 {
		ownerIDs = none
	}
	if len(participantIDs) == 0 {
		participantIDs = none
	}
	err := s.conn(ctx).Raw(`
SELECT c.id FROM cycles c
WHERE c.org_id = ? AND c.state NOT IN ('finalized', 'released')
  AND (c.id IN (SELECT cycle_id FROM cycle_owners WHERE org_id = ? AND user_id IN ?)
    OR c.id IN (SELECT cycle_id FROM cycle_participants WHERE org_id = ? AND em_id IN ?))
ORDER BY c.id`, orgID, orgID, ownerIDs, orgID, participantIDs).Scan(&ids).Error
	return ids, err
}

// MemberChanges returns the newest member-change entries of a cycle, at
// most limit, newest first (in the order the audit chain committed them),
// with the actor's name: one statement, whatever the size of the cycle.
func (s *Store) MemberChanges(ctx context.Context, orgID, cycleID string, limit int) ([]domain.MemberChange, error) {
	rows, err := s.conn(ctx).Raw(`
SELECT a.at, a.actor_id, u.name, a.object_id, a.before_json, a.after_json
FROM audit_log a LEFT JOIN users u ON u.org_id = a.org_id AND u.id = a.actor_id
WHERE a.org_id = ? AND a.cycle_id = ? AND a.action = ?
ORDER BY a.seq DESC LIMIT ?`, orgID, cycleID, domain.ActionMemberChange, limit).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.MemberChange{}
	for rows.Next() {
		var (
			m                     domain.MemberChange
			actorID, actor        sql.NullString
			beforeJSON, afterJSON sql.NullString
		)
		if err := rows.Scan(&m.At, &actorID, &actor, &m.SubjectID, &beforeJSON, &afterJSON); err != nil {
			return nil, err
		}
		m.At = m.At.UTC()
		if actorID.Valid {
			m.Actor = &domain.Ref{ID: actorID.String, Name: actor.String}
		}
		if err := json.Unmarshal([]byte(beforeJSON.String), &m.Before); err != nil {
			return nil, fmt.Errorf("store: member change of %s: before: %w", m.SubjectID, err)
		}
		if err := json.Unmarshal([]byte(afterJSON.String), &m.After); err != nil {
			return nil, fmt.Errorf("store: member change of %s: after: %w", m.SubjectID, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
