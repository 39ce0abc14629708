package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Document returns the last known version of a document.
func (s *SQLite) Document(ctx context.Context, doctype, name string) (DocumentState, bool, error) {
	d := DocumentState{Doctype: doctype, Name: name}
	var modified, updated int64
	err := s.read.QueryRowContext(ctx, `SELECT status, modified, team, updated
		FROM documents WHERE doctype = ? AND name = ?`, doctype, name).
		Scan(&d.Status, &modified, &d.Team, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return DocumentState{}, false, nil
	}
	if err != nil {
		return DocumentState{}, false, err
	}
	d.Modified = fromNanos(modified)
	d.Updated = fromNanos(updated)
	return d, true, nil
}

// Team returns the team learned for a site or release group.
func (s *SQLite) Team(ctx context.Context, kind, key string) (string, error) {
	var team string
	err := s.read.QueryRowContext(ctx, `SELECT team FROM teams WHERE kind = ? AND key = ?`,
		kind, key).Scan(&team)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return team, err
}

// Complete records the result of processing one inbox row atomically.
func (s *SQLite) Complete(ctx context.Context, c Completion) ([]int64, error) {
	var ids []int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		if c.Document != nil {
			if err := upsertDocument(ctx, tx, c.Document); err != nil {
				return err
			}
		}
		if err := writeInventory(ctx, tx, c.Inventory); err != nil {
			return err
		}
		for _, f := range c.Teams {
			_, err := tx.ExecContext(ctx, `INSERT INTO teams (kind, key, team) VALUES (?, ?, ?)
				ON CONFLICT (kind, key) DO UPDATE SET team = excluded.team`, f.Kind, f.Key, f.Team)
			if err != nil {
				return fmt.Errorf("remember team of %s %q: %w", f.Kind, f.Key, err)
			}
		}
		for _, m := range c.Messages {
			id, err := insertMessage(ctx, tx, m, c.At)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		if err := applyHeld(ctx, tx, c.Held, ids, c.At); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE inbox SET processed = ? WHERE id = ?`,
			c.At.UnixNano(), c.InboxID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("complete inbox row %d: %w", c.InboxID, err)
	}
	return ids, nil
}

func upsertDocument(ctx context.Context, tx *sql.Tx, d *DocumentState) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO documents (doctype, name, status, modified, team, updated)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (doctype, name) DO UPDATE SET status = excluded.status,
			modified = excluded.modified, team = excluded.team, updated = excluded.updated`,
		d.Doctype, d.Name, d.Status, toNanos(d.Modified), d.Team, toNanos(d.Updated))
	if err != nil {
		return fmt.Errorf("write state of %s %q: %w", d.Doctype, d.Name, err)
	}
	return nil
}

func insertMessage(ctx context.Context, tx *sql.Tx, m OutboxMessage, at time.Time) (int64, error) {
	body, err := json.Marshal(m.Message)
	if err != nil {
		return 0, fmt.Errorf("encode message for channel %q: %w", m.Channel, err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox
		(channel, inbox_id, rule, document, message, state, next_at, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		m.Channel, m.InboxID, m.Rule, m.Document, body, StatePending, at.UnixNano(), at.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("queue message for channel %q: %w", m.Channel, err)
	}
	return res.LastInsertId()
}

// toNanos stores the zero time as 0 so "never" survives a round trip.
func toNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
