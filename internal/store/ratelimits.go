package store

import (
	"context"
	"time"
)

type rateRow struct {
	UserID  string `gorm:"primaryKey"`
	Route   string `gorm:"primaryKey"`
	TAT     int64  `gorm:"column:tat"`
	Allowed bool
}

func (rateRow) TableName() string { return "rate_limits" }

// takeRateSQL is the generic cell rate algorithm in one upsert, so it is
// atomic on every replica: a call is let through when the key's theoretical
// arrival time (tat) is at most @cut (now + burst×every − every); then tat
// moves to max(tat, now) + every. A refused call leaves tat where it was,
// so refusals cost nothing later. Both dialects take ON CONFLICT … DO
// UPDATE … RETURNING (SQLite since 3.35), and the right-hand sides read the
// row as it was before the update.
const takeRateSQL = `INSERT INTO rate_limits (user_id, route, tat, allowed) VALUES (@user, @route, @first, @yes)
ON CONFLICT (user_id, route) DO UPDATE SET
  allowed = (rate_limits.tat <= @cut),
  tat = CASE WHEN rate_limits.tat > @cut THEN rate_limits.tat
             WHEN rate_limits.tat > @now THEN rate_limits.tat + @every
             ELSE @first END
RETURNING allowed, tat`

// TakeRate spends one call of userID on route, at most burst at once and
// one per every after that, on the store's clock. It answers how long to
// wait before the next call would pass when this one may not (0 when it
// may). One statement.
func (s *Store) TakeRate(ctx context.Context, userID, route string, every time.Duration, burst int) (time.Duration, error) {
	now := s.clock.Now().UnixMicro()
	step := every.Microseconds()
	cut := now + int64(burst-1)*step
	var got struct {
		Allowed bool
		TAT     int64 `gorm:"column:tat"`
	}
	err := s.conn(ctx).Raw(takeRateSQL, map[string]any{
		"user": userID, "route": route, "first": now + step, "yes": true, "cut": cut, "now": now, "every": step,
	}).Scan(&got).Error
	if err != nil || got.Allowed {
		return 0, err
	}
	return time.Duration(got.TAT-cut) * time.Microsecond, nil
}
