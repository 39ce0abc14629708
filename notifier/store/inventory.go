package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// inventorySchema holds the latest known snapshot of each site, bench,
// release group and deploy. The partial indexes serve the scheduler:
// trials by end date, and documents by how long they have held a status.
const inventorySchema = `
CREATE TABLE IF NOT EXISTS inventory (
	doctype         TEXT    NOT NULL,
	name            TEXT    NOT NULL,
	kind            TEXT    NOT NULL,
	status          TEXT    NOT NULL,
	previous_status TEXT    NOT NULL,
	status_since    INTEGER NOT NULL,
	team            TEXT    NOT NULL,
	plan            TEXT    NOT NULL,
	plan_at         INTEGER NOT NULL,
	trial_end       TEXT    NOT NULL,
	trial_since     INTEGER NOT NULL,
	release_group   TEXT    NOT NULL,
	bench           TEXT    NOT NULL,
	cluster         TEXT    NOT NULL,
	server          TEXT    NOT NULL,
	deploy          TEXT    NOT NULL,
	event           TEXT    NOT NULL,
	data            BLOB    NOT NULL,
	modified        INTEGER NOT NULL,
	last_seen       INTEGER NOT NULL,
	archived        INTEGER NOT NULL,
	PRIMARY KEY (doctype, name)
);
CREATE INDEX IF NOT EXISTS inventory_kind ON inventory (kind, name);
CREATE INDEX IF NOT EXISTS inventory_trial ON inventory (trial_end, doctype)
	WHERE archived = 0 AND trial_end != '';
CREATE INDEX IF NOT EXISTS inventory_stay ON inventory (status, status_since)
	WHERE archived = 0;
`

// Inventory keeps the latest known snapshot of each document. The
// processor writes it through Completion.Inventory, in the transaction
// of the event; readers are the scheduler and the `fcnotify sites`
// command. *SQLite implements it.
type Inventory interface {
	// Snapshot returns the inventory row of a document, and false when
	// the document was never seen.
	Snapshot(ctx context.Context, doctype, name string) (InventoryRow, bool, error)

	// ListInventory returns the rows that pass the filter, ordered by
	// kind and name.
	ListInventory(ctx context.Context, f InventoryFilter) ([]InventoryRow, error)
}

// InventoryRow is the stored snapshot of one document. Text fields that
// no event has filled are "".
type InventoryRow struct {
	// Doctype and Name identify the document: "Site", "Bench",
	// "Release Group", "Deploy Candidate Build" or "Deploy Candidate".
	Doctype string
	Name    string
	// Kind is "site", "bench", "group" or "deploy".
	Kind string

	Status string
	// PreviousStatus is the status before the current one, "" when the
	// first event seen already had the current status.
	PreviousStatus string
	// StatusSince is when fcnotify received the first event that showed
	// the current status.
	StatusSince time.Time

	Team string
	Plan string
	// PlanAt is the `modified` time of the event that set Plan, so an
	// older plan arriving late does not replace a newer one.
	PlanAt time.Time
	// TrialEnd is the trial's last day, YYYY-MM-DD, while the site is on
	// a trial plan; "" otherwise.
	TrialEnd string
	// TrialSince is when fcnotify learned the current TrialEnd.
	TrialSince time.Time

	Group   string
	Bench   string
	Cluster string
	Server  string
	// Deploy is the readable deploy id of a deploy row.
	Deploy string

	// Event is the name of the last event that carried this document,
	// and Data that event's `data` object as received.
	Event string
	Data  json.RawMessage
	// Modified is the document's `modified` time in that event.
	Modified time.Time
	// LastSeen is when fcnotify received the last event about the
	// document, including plan changes of a site.
	LastSeen time.Time

	// Archived rows are kept but left out of listings and of the
	// scheduler's queries.
	Archived bool
}

// InventoryFilter narrows ListInventory; zero fields match every row.
type InventoryFilter struct {
	Kind   string
	Team   string
	Status string
	// TrialEndFrom and TrialEndTo, both YYYY-MM-DD, keep only sites on a
	// trial that ends in that closed range.
	TrialEndFrom string
	TrialEndTo   string
	// Archived includes archived rows.
	Archived bool
}

const inventoryColumns = `doctype, name, kind, status, previous_status, status_since, team,
	plan, plan_at, trial_end, trial_since, release_group, bench, cluster, server, deploy,
	event, data, modified, last_seen, archived`

// inventoryColumnsWithoutData reads an empty data column, for queries
// whose callers do not use the last event's data.
const inventoryColumnsWithoutData = `doctype, name, kind, status, previous_status, status_since, team,
	plan, plan_at, trial_end, trial_since, release_group, bench, cluster, server, deploy,
	event, x'' AS data, modified, last_seen, archived`

// Snapshot returns the inventory row of a document.
func (s *SQLite) Snapshot(ctx context.Context, doctype, name string) (InventoryRow, bool, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+inventoryColumns+`
		FROM inventory WHERE doctype = ? AND name = ?`, doctype, name)
	r, err := scanInventory(row)
	if errors.Is(err, sql.ErrNoRows) {
		return InventoryRow{}, false, nil
	}
	if err != nil {
		return InventoryRow{}, false, fmt.Errorf("read inventory of %s %q: %w", doctype, name, err)
	}
	return r, true, nil
}

// ListInventory returns the rows that pass the filter.
func (s *SQLite) ListInventory(ctx context.Context, f InventoryFilter) ([]InventoryRow, error) {
	var where []string
	var args []any
	add := func(clause string, arg ...any) {
		where = append(where, clause)
		args = append(args, arg...)
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if f.Team != "" {
		add("team = ?", f.Team)
	}
	if f.Status != "" {
		add("status = ? COLLATE NOCASE", f.Status)
	}
	if !f.Archived {
		add("archived = 0")
	}
	if f.TrialEndFrom != "" || f.TrialEndTo != "" {
		add("trial_end != ''")
	}
	if f.TrialEndFrom != "" {
		add("trial_end >= ?", f.TrialEndFrom)
	}
	if f.TrialEndTo != "" {
		add("trial_end <= ?", f.TrialEndTo)
	}

	query := `SELECT ` + inventoryColumns + ` FROM inventory`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.read.QueryContext(ctx, query+" ORDER BY kind, name", args...)
	if err != nil {
		return nil, fmt.Errorf("list inventory: %w", err)
	}
	return collectInventory(rows)
}

// writeInventory writes snapshot rows inside the transaction of the
// event that produced them. It deletes the stuck-state alert records of
// the stays that a row ends, because no query reads them again.
func writeInventory(ctx context.Context, tx *sql.Tx, rows []InventoryRow) error {
	for i := range rows {
		r := &rows[i]
		data := r.Data
		if len(data) == 0 {
			data = json.RawMessage("{}")
		}
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO inventory (`+inventoryColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Doctype, r.Name, r.Kind, r.Status, r.PreviousStatus, toNanos(r.StatusSince), r.Team,
			r.Plan, toNanos(r.PlanAt), r.TrialEnd, toNanos(r.TrialSince), r.Group, r.Bench,
			r.Cluster, r.Server, r.Deploy, r.Event, []byte(data), toNanos(r.Modified),
			toNanos(r.LastSeen), r.Archived)
		if err != nil {
			return fmt.Errorf("write inventory of %s %q: %w", r.Doctype, r.Name, err)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM stuck_alerts
			WHERE doctype = ? AND name = ? AND status_since != ?`,
			r.Doctype, r.Name, toNanos(r.StatusSince))
		if err != nil {
			return fmt.Errorf("delete stuck alerts of %s %q: %w", r.Doctype, r.Name, err)
		}
	}
	return nil
}

type rowScanner interface {
	Scan(dest ...any) error
}

func scanInventory(sc rowScanner) (InventoryRow, error) {
	var r InventoryRow
	var statusSince, planAt, trialSince, modified, lastSeen int64
	var data []byte
	err := sc.Scan(&r.Doctype, &r.Name, &r.Kind, &r.Status, &r.PreviousStatus, &statusSince,
		&r.Team, &r.Plan, &planAt, &r.TrialEnd, &trialSince, &r.Group, &r.Bench, &r.Cluster,
		&r.Server, &r.Deploy, &r.Event, &data, &modified, &lastSeen, &r.Archived)
	if err != nil {
		return InventoryRow{}, err
	}
	r.StatusSince = fromNanos(statusSince)
	r.PlanAt = fromNanos(planAt)
	r.TrialSince = fromNanos(trialSince)
	r.Modified = fromNanos(modified)
	r.LastSeen = fromNanos(lastSeen)
	r.Data = json.RawMessage(data)
	return r, nil
}

func collectInventory(rows *sql.Rows) ([]InventoryRow, error) {
	defer rows.Close()
	var out []InventoryRow
	for rows.Next() {
		r, err := scanInventory(rows)
		if err != nil {
			return nil, fmt.Errorf("read inventory row: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
