package store

import (
	"context"
	"time"

	"calibrate/internal/domain"
)

type scimTokenRow struct {
	ID         string
	OrgID      string
	Name       string
	TokenHash  string
	CreatedBy  *string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

func (scimTokenRow) TableName() string { return "scim_tokens" }

func (r scimTokenRow) domain() domain.ScimToken {
	t := domain.ScimToken{ID: r.ID, OrgID: r.OrgID, Name: r.Name, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
	if r.LastUsedAt != nil {
		at := r.LastUsedAt.UTC()
		t.LastUsedAt = &at
	}
	if r.RevokedAt != nil {
		at := r.RevokedAt.UTC()
		t.RevokedAt = &at
	}
	return t
}

// CreateScimToken stores a new token of t.OrgID by the SHA-256 of its
// secret (ID and creation time are set here).
func (s *Store) CreateScimToken(ctx context.Context, t *domain.ScimToken, hash string) error {
	t.ID, t.CreatedAt = domain.NewID(), s.clock.Now().UTC().Truncate(time.Microsecond)
	return translate(s.conn(ctx).Create(&scimTokenRow{ID: t.ID, OrgID: t.OrgID, Name: t.Name, TokenHash: hash,
		CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt}).Error)
}

// ScimTokenByHash finds the token whose secret hashes to hash, revoked or
// not. Tenant-isolation exception "scim token": this is the one query that
// runs before the organisation is known, since the token is what names it;
// everything the request does afterwards is scoped to the token's org_id.
func (s *Store) ScimTokenByHash(ctx context.Context, hash string) (domain.ScimToken, error) {
	var r scimTokenRow
	if err := s.conn(Unscoped(ctx, ExceptSCIMToken)).Where("token_hash = ?", hash).Take(&r).Error; err != nil {
		return domain.ScimToken{}, notFound(err, "SCIM token")
	}
	return r.domain(), nil
}

// ScimTokens lists the tokens of orgID, newest first, revoked ones too:
// at most the 1000 newest.
func (s *Store) ScimTokens(ctx context.Context, orgID string) ([]domain.ScimToken, error) {
	var rows []scimTokenRow
	if err := s.conn(ctx).Where("org_id = ?", orgID).Order("created_at DESC, id").Limit(1000).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.ScimToken, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.domain())
	}
	return out, nil
}

// ScimToken returns the token id of orgID.
func (s *Store) ScimToken(ctx context.Context, orgID, id string) (domain.ScimToken, error) {
	var r scimTokenRow
	if err := s.conn(ctx).Where("org_id = ? AND id = ?", orgID, id).Take(&r).Error; err != nil {
		return domain.ScimToken{}, notFound(err, "SCIM token")
	}
	return r.domain(), nil
}

// RevokeScimToken marks the token id of orgID revoked now; a token already
// revoked keeps its first revocation time.
func (s *Store) RevokeScimToken(ctx context.Context, orgID, id string) error {
	return s.conn(ctx).Model(&scimTokenRow{}).Where("org_id = ? AND id = ? AND revoked_at IS NULL", orgID, id).
		Update("revoked_at", s.clock.Now().UTC()).Error
}

// TouchScimToken records that the token id of orgID was used at now; it
// writes at most once a minute per token.
func (s *Store) TouchScimToken(ctx context.Context, orgID, id string, now time.Time) error {
	return s.conn(ctx).Model(&scimTokenRow{}).
		Where("org_id = ? AND id = ? AND (last_used_at IS NULL OR last_used_at < ?)", orgID, id, now.Add(-time.Minute)).
		Update("last_used_at", now.UTC()).Error
}

// ScimUsers returns one page of the users of orgID in a stable order (by
// creation, then id), offset from the start, with how many there are in
// all: SCIM pages by index, not by cursor.
func (s *Store) ScimUsers(ctx context.Context, orgID string, offset, limit int) ([]domain.User, int, error) {
	var total int64
	if err := s.conn(ctx).Model(&userRow{}).Where("org_id = ?", orgID).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []userRow
	if limit > 0 {
		if err := s.conn(ctx).Where("org_id = ?", orgID).Order("created_at, id").Offset(offset).Limit(limit).Find(&rows).Error; err != nil {
			return nil, 0, err
		}
	}
	out := make([]domain.User, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.domain())
	}
	return out, int(total), nil
}
