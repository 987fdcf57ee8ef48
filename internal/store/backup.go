package store

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

	"gorm.io/gorm"
)

// BackupFormat names the portable backup: JSON lines, a header then one
// line per row, table by table in dependency order. The values are the
// store's row types, so a backup taken on SQLite restores on PostgreSQL and
// the other way round.
const BackupFormat = "calibrate-backup/1"

type backupHeader struct {
	Format string `json:"format"`
	Schema int64  `json:"schema"`
}

type backupLine struct {
	Table string          `json:"table"`
	Row   json.RawMessage `json:"row"`
}

// backupTables lists every table, parents before children. A new table
// must be added here (a test checks every migrated table is listed). The
// job queue's tables (QueueTables) are left out: they hold e-mail waiting
// to be sent, which a restored database does not send again.
var backupTables = []struct {
	name  string
	model any
	order string
}{
	{"organizations", orgRow{}, "id"},
	{"users", userRow{}, "id"},
	{"sessions", sessionRow{}, "id"},
	{"refresh_tokens", refreshRow{}, "token_hash"},
	{"login_failures", failureRow{}, "id"},
	{"rate_limits", rateRow{}, "user_id, route"},
	{"idempotency_keys", idempotencyRow{}, "user_id, key"},
	{"scim_tokens", scimTokenRow{}, "id"},

	{"oidc_logins", oidcLoginRow{}, "state_hash"},
	{"frameworks", frameworkRow{}, "id"},
	{"criteria", criterionRow{}, "framework_id, position"},
	{"cycles", cycleRow{}, "id"},
	{"cycle_owners", ownerRow{}, "cycle_id, user_id"},
	{"cycle_participants", participantRow{}, "cycle_id, em_id"},
	{"assessments", assessmentRow{}, "id"},
	{"ratings", ratingRow{}, "assessment_id, criterion"},
	{"decisions", decisionRow{}, "id"},
	{"peer_requests", requestRow{}, "id"},
	{"peer_notes", noteRow{}, "request_id"},
	{"plan_items", planRow{}, "id"},
	{"prereads", prereadRow{}, "cycle_id, em_id, owner_id"},
	{"meeting_states", meetingRow{}, "cycle_id, em_id"},
	{"cycle_summaries", summaryRow{}, "cycle_id, em_id"},
	{"rollups", rollupRow{}, "id"},
	{"rollup_sources", rollupSourceRow{}, "rollup_id, cycle_id"},
	{"rollup_decisions", rollupDecisionRow{}, "rollup_id, em_id"},
	{"guests", guestRow{}, "subject_type, subject_id, user_id"},
	{"mail_optouts", optoutRow{}, "org_id, user_id, kind"},
	{"audit_log", auditRow{}, "org_id, seq"},
	{"audit_rekey_pending", rekeyPendingRow{}, "org_id"},
}

// BackupTables names the tables a backup carries, in order.
func BackupTables() []string {
	out := make([]string, len(backupTables))
	for i, t := range backupTables {
		out[i] = t.name
	}
	return out
}

// Backup writes every row of every table to w. Users' self-referencing
// managers are ordered by id, and ids are time-ordered, so a manager is
// written before the reports created after them; Restore defers the
// foreign keys anyway.
func (s *Store) Backup(ctx context.Context, w io.Writer) (rows int, err error) {
	ctx = Unscoped(ctx, ExceptBackup)
	p, err := s.provider(s.sqlDB, false)
	if err != nil {
		return 0, err
	}
	version, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(backupHeader{Format: BackupFormat, Schema: version}); err != nil {
		return 0, err
	}
	// One read transaction: the backup is a consistent snapshot.
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, t := range backupTables {
			if err := dumpTable(tx, enc, t.name, t.model, t.order, &rows); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
		return nil
	}, nil)
	if err != nil {
		return rows, err
	}
	return rows, bw.Flush()
}

// ErrNotEmpty refuses a restore over data.
var ErrNotEmpty = errors.New("the database already has organisations; restore needs an empty, migrated database")

// Restore loads a backup into an empty database migrated to the same
// schema version, in one transaction: all of it or nothing.
func (s *Store) Restore(ctx context.Context, r io.Reader) (rows int, err error) {
	ctx = Unscoped(ctx, ExceptBackup)
	n, err := s.CountOrgs(ctx)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, ErrNotEmpty
	}
	p, err := s.provider(s.sqlDB, false)
	if err != nil {
		return 0, err
	}
	version, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, err
	}
	dec := json.NewDecoder(bufio.NewReader(r))
	var h backupHeader
	if err := dec.Decode(&h); err != nil || h.Format != BackupFormat {
		return 0, fmt.Errorf("not a Calibrate backup (want format %s)", BackupFormat)
	}
	if h.Schema != version {
		return 0, fmt.Errorf("the backup has schema version %d, the database %d: migrate to the same version first", h.Schema, version)
	}
	models := map[string]reflect.Type{}
	for _, t := range backupTables {
		models[t.name] = reflect.TypeOf(t.model)
	}
	err = s.Tx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		var batch reflect.Value
		table := ""
		// A user's manager may have been created after them, so managers
		// are set once every user exists.
		managers := map[string]string{}
		flush := func() error {
			if table == "" || batch.Len() == 0 {
				return nil
			}
			err := db.Table(table).CreateInBatches(batch.Interface(), seedBatch).Error
			batch = reflect.MakeSlice(batch.Type(), 0, 0)
			return err
		}
		setManagers := func() error {
			for id, m := range managers {
				if err := db.Model(&userRow{}).Where("id = ?", id).Update("manager_id", m).Error; err != nil {
					return err
				}
			}
			managers = map[string]string{}
			return nil
		}
		for {
			var line backupLine
			if err := dec.Decode(&line); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return fmt.Errorf("line %d: %w", rows+2, err)
			}
			typ, ok := models[line.Table]
			if !ok {
				return fmt.Errorf("line %d: unknown table %q", rows+2, line.Table)
			}
			if line.Table != table {
				if err := flush(); err != nil {
					return fmt.Errorf("%s: %w", table, err)
				}
				if err := setManagers(); err != nil {
					return err
				}
				table, batch = line.Table, reflect.MakeSlice(reflect.SliceOf(typ), 0, seedBatch)
			}
			row := reflect.New(typ)
			if err := json.Unmarshal(line.Row, row.Interface()); err != nil {
				return fmt.Errorf("line %d: %w", rows+2, err)
			}
			if u, ok := row.Interface().(*userRow); ok && u.ManagerID != nil {
				managers[u.ID] = *u.ManagerID
				u.ManagerID = nil
			}
			batch = reflect.Append(batch, row.Elem())
			rows++
			if batch.Len() >= seedBatch {
				if err := flush(); err != nil {
					return fmt.Errorf("%s: %w", table, err)
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		return setManagers()
	})
	return rows, err
}

// dumpTable streams one table, row by row, in a stable order.
func dumpTable(tx *gorm.DB, enc *json.Encoder, table string, model any, order string, count *int) error {
	rs, err := tx.Table(table).Order(order).Rows()
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		row := reflect.New(reflect.TypeOf(model))
		if err := tx.ScanRows(rs, row.Interface()); err != nil {
			return err
		}
		raw, err := json.Marshal(row.Interface())
		if err != nil {
			return err
		}
		if err := enc.Encode(backupLine{Table: table, Row: raw}); err != nil {
			return err
		}
		*count++
	}
	return rs.Err()
}
