package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// scheduleSchema records what the scheduler has done, so a restart or a
// clock change never sends a reminder or an alert twice: one row per
// handled trial reminder and per stuck-state alert, and the last day
// whose reminders are settled.
const scheduleSchema = `
CREATE TABLE IF NOT EXISTS trial_reminders (
	site      TEXT    NOT NULL,
	trial_end TEXT    NOT NULL,
	days      INTEGER NOT NULL,
	state     TEXT    NOT NULL,
	at        INTEGER NOT NULL,
	PRIMARY KEY (site, trial_end, days)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS trial_reminders_end ON trial_reminders (trial_end);

CREATE TABLE IF NOT EXISTS stuck_alerts (
	doctype      TEXT    NOT NULL,
	name         TEXT    NOT NULL,
	status_since INTEGER NOT NULL,
	rule         TEXT    NOT NULL,
	at           INTEGER NOT NULL,
	PRIMARY KEY (doctype, name, status_since, rule)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS schedule_state (
	key   TEXT NOT NULL PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
`

// Schedule is the store side of the scheduler that sends trial reminders
// and stuck-state alerts. Each Queue method writes the synthetic events
// to the inbox and records them in one transaction, so an event is
// queued exactly once even across crashes. *SQLite implements it.
type Schedule interface {
	// TrialsEndingOn returns up to limit active sites on a trial that
	// ends on day (YYYY-MM-DD) and have no reminder recorded for that
	// end date and days.
	TrialsEndingOn(ctx context.Context, day string, days, limit int) ([]InventoryRow, error)

	// QueueReminders records reminders and accepts the events of those
	// not skipped. A reminder already recorded, or whose site has left
	// the trial or been archived since it was read, is left out. It
	// returns how many events were accepted.
	QueueReminders(ctx context.Context, reminders []TrialReminder) (int, error)

	// StuckCandidates returns up to limit active documents that have held
	// one of q.Statuses since q.Before or earlier and have no alert of
	// q.Rule for that stay, ordered by status_since, doctype and name.
	StuckCandidates(ctx context.Context, q StuckQuery, limit int) ([]InventoryRow, error)

	// QueueStuckAlerts records alerts and accepts their events. An alert
	// already recorded, or whose document has changed status since it
	// was read, is left out. It returns how many events were accepted.
	QueueStuckAlerts(ctx context.Context, alerts []StuckAlert) (int, error)

	// ScheduleState returns a value the scheduler saved under key, and
	// "" when none was saved.
	ScheduleState(ctx context.Context, key string) (string, error)

	// SetScheduleState saves a value under key.
	SetScheduleState(ctx context.Context, key, value string) error

	// PruneReminders deletes reminder records of trials that ended
	// before day (YYYY-MM-DD) and returns how many went.
	PruneReminders(ctx context.Context, day string) (int64, error)
}

// Reminder states.
const (
	ReminderQueued  = "queued"
	ReminderSkipped = "skipped"
)

// TrialReminder is one reminder of a trial's end, days before it.
type TrialReminder struct {
	Site     string
	TrialEnd string
	Days     int
	// Event is the synthetic event to accept; nil records the reminder
	// as skipped.
	Event *InboxItem
	At    time.Time
}

// StuckQuery selects the documents a rule with `for:` may fire on.
type StuckQuery struct {
	Rule     string
	Statuses []string
	// Doctypes and Events, when set, narrow the documents to those doctypes
	// and to those whose last event had one of those names.
	Doctypes []string
	Events   []string
	Before   time.Time
	// After, when set, continues a listing after the last row of the
	// previous batch.
	After *StuckCursor
}

// StuckCursor is the position of a row in the order StuckCandidates
// returns rows in.
type StuckCursor struct {
	StatusSince time.Time
	Doctype     string
	Name        string
}

// StuckAlert is one alert of a rule for one stay of a document in a
// status, the stay that began at StatusSince.
type StuckAlert struct {
	Doctype     string
	Name        string
	StatusSince time.Time
	Rule        string
	Event       InboxItem
	At          time.Time
}

// TrialsEndingOn returns the sites on a trial ending on day that have no
// reminder recorded for days.
func (s *SQLite) TrialsEndingOn(ctx context.Context, day string, days, limit int) ([]InventoryRow, error) {
	rows, err := s.read.QueryContext(ctx, trialsEndingQuery, day, days, limit)
	if err != nil {
		return nil, fmt.Errorf("read trials ending on %s: %w", day, err)
	}
	return collectInventory(rows)
}

// trialsEndingQuery repeats the partial index's conditions so that
// SQLite can use inventory_trial. It has no ORDER BY: sorting by name
// would make SQLite walk every site in the primary key instead. It
// leaves out the last event's data, which reminders do not use and
// which is the largest column.
const trialsEndingQuery = `SELECT ` + inventoryColumnsWithoutData + ` FROM inventory i
	WHERE i.trial_end = ? AND i.trial_end != '' AND i.archived = 0 AND i.doctype = 'Site'
	AND NOT EXISTS (SELECT 1 FROM trial_reminders r
		WHERE r.site = i.name AND r.trial_end = i.trial_end AND r.days = ?)
	LIMIT ?`

// QueueReminders records reminders and accepts their events.
func (s *SQLite) QueueReminders(ctx context.Context, reminders []TrialReminder) (int, error) {
	if len(reminders) == 0 {
		return 0, nil
	}
	accepted := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		accepted = 0
		record, err := tx.PrepareContext(ctx, `INSERT INTO trial_reminders (site, trial_end, days, state, at)
			SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM inventory
				WHERE doctype = 'Site' AND name = ? AND trial_end = ? AND archived = 0)
			ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer record.Close()
		inbox, err := prepareInbox(ctx, tx)
		if err != nil {
			return err
		}
		defer inbox.Close()

		for _, r := range reminders {
			state := ReminderQueued
			if r.Event == nil {
				state = ReminderSkipped
			}
			res, err := record.ExecContext(ctx, r.Site, r.TrialEnd, r.Days, state, r.At.UnixNano(), r.Site, r.TrialEnd)
			if err != nil {
				return fmt.Errorf("record reminder of site %q: %w", r.Site, err)
			}
			if n, _ := res.RowsAffected(); n == 0 || r.Event == nil {
				continue
			}
			ok, err := insertInbox(ctx, inbox, *r.Event)
			if err != nil {
				return fmt.Errorf("queue reminder of site %q: %w", r.Site, err)
			}
			if ok {
				accepted++
			}
		}
		return nil
	})
	return accepted, err
}

// StuckCandidates returns the documents a rule with `for:` may fire on.
func (s *SQLite) StuckCandidates(ctx context.Context, q StuckQuery, limit int) ([]InventoryRow, error) {
	query, args := stuckQuery(q, limit)
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read documents for rule %q: %w", q.Rule, err)
	}
	return collectInventory(rows)
}

// stuckQuery builds the query of StuckCandidates. It filters on status
// and status_since first, which inventory_stay covers.
func stuckQuery(q StuckQuery, limit int) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString(`SELECT ` + inventoryColumns + ` FROM inventory i
	WHERE i.archived = 0 AND i.status IN (` + placeholders(len(q.Statuses)) + `) AND i.status_since <= ?`)
	for _, st := range q.Statuses {
		args = append(args, st)
	}
	args = append(args, q.Before.UnixNano())

	if len(q.Doctypes) > 0 {
		b.WriteString(` AND i.doctype IN (` + placeholders(len(q.Doctypes)) + `)`)
		for _, d := range q.Doctypes {
			args = append(args, d)
		}
	}
	if len(q.Events) > 0 {
		b.WriteString(` AND i.event IN (` + placeholders(len(q.Events)) + `)`)
		for _, e := range q.Events {
			args = append(args, e)
		}
	}
	if q.After != nil {
		b.WriteString(` AND (i.status_since, i.doctype, i.name) > (?, ?, ?)`)
		args = append(args, toNanos(q.After.StatusSince), q.After.Doctype, q.After.Name)
	}

	b.WriteString(` AND NOT EXISTS (SELECT 1 FROM stuck_alerts a
		WHERE a.doctype = i.doctype AND a.name = i.name AND a.status_since = i.status_since
		AND a.rule = ?)
	ORDER BY i.status_since, i.doctype, i.name LIMIT ?`)
	args = append(args, q.Rule, limit)
	return b.String(), args
}

func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// QueueStuckAlerts records alerts and accepts their events.
func (s *SQLite) QueueStuckAlerts(ctx context.Context, alerts []StuckAlert) (int, error) {
	if len(alerts) == 0 {
		return 0, nil
	}
	accepted := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		accepted = 0
		record, err := tx.PrepareContext(ctx, `INSERT INTO stuck_alerts (doctype, name, status_since, rule, at)
			SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM inventory
				WHERE doctype = ? AND name = ? AND status_since = ? AND archived = 0)
			ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer record.Close()
		inbox, err := prepareInbox(ctx, tx)
		if err != nil {
			return err
		}
		defer inbox.Close()

		for _, a := range alerts {
			since := toNanos(a.StatusSince)
			res, err := record.ExecContext(ctx, a.Doctype, a.Name, since, a.Rule, a.At.UnixNano(), a.Doctype, a.Name, since)
			if err != nil {
				return fmt.Errorf("record alert of rule %q for %s %q: %w", a.Rule, a.Doctype, a.Name, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			ok, err := insertInbox(ctx, inbox, a.Event)
			if err != nil {
				return fmt.Errorf("queue alert of rule %q for %s %q: %w", a.Rule, a.Doctype, a.Name, err)
			}
			if ok {
				accepted++
			}
		}
		return nil
	})
	return accepted, err
}

func prepareInbox(ctx context.Context, tx *sql.Tx) (*sql.Stmt, error) {
	return tx.PrepareContext(ctx, `INSERT INTO inbox (digest, endpoint, team, body, received)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING`)
}

// insertInbox adds a synthetic event to the inbox and reports whether it
// is new: its digest is derived from what it reports, so a second insert
// of the same event is a duplicate.
func insertInbox(ctx context.Context, stmt *sql.Stmt, it InboxItem) (bool, error) {
	res, err := stmt.ExecContext(ctx, it.Digest, it.Endpoint, it.Team, it.Body, it.Received.UnixNano())
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ScheduleState returns a saved value, or "".
func (s *SQLite) ScheduleState(ctx context.Context, key string) (string, error) {
	var value string
	err := s.read.QueryRowContext(ctx, `SELECT value FROM schedule_state WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read schedule state %q: %w", key, err)
	}
	return value, nil
}

// SetScheduleState saves a value under key.
func (s *SQLite) SetScheduleState(ctx context.Context, key, value string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO schedule_state (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
	if err != nil {
		return fmt.Errorf("save schedule state %q: %w", key, err)
	}
	return nil
}

// PruneReminders deletes the reminder records of trials that ended
// before day.
func (s *SQLite) PruneReminders(ctx context.Context, day string) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM trial_reminders WHERE trial_end < ?`, day)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune trial reminders: %w", err)
	}
	return n, nil
}
