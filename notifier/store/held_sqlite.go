package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

const holdColumns = `id, kind, channel, rule, key, document, inbox_id, due, created, body`

// Holds returns the held rows that pass f.
func (s *SQLite) Holds(ctx context.Context, f HoldFilter) ([]Hold, error) {
	var where []string
	var args []any
	for _, c := range []struct{ column, value string }{
		{"kind", f.Kind}, {"channel", f.Channel}, {"rule", f.Rule}, {"key", f.Key}, {"document", f.Document},
	} {
		if c.value != "" {
			where = append(where, c.column+" = ?")
			args = append(args, c.value)
		}
	}
	if !f.DueAfter.IsZero() {
		where = append(where, "due > ?")
		args = append(args, f.DueAfter.UnixNano())
	}

	query := `SELECT ` + holdColumns + ` FROM held`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.read.QueryContext(ctx, query+" ORDER BY due, id", args...)
	if err != nil {
		return nil, fmt.Errorf("read held messages: %w", err)
	}
	return scanHolds(rows)
}

// DueHolds returns held rows due at or before at.
func (s *SQLite) DueHolds(ctx context.Context, at time.Time, limit int) ([]Hold, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+holdColumns+` FROM held
		WHERE due <= ? ORDER BY due, id LIMIT ?`, at.UnixNano(), limit)
	if err != nil {
		return nil, fmt.Errorf("read due held messages: %w", err)
	}
	return scanHolds(rows)
}

// NextDue returns the earliest due time of any held row.
func (s *SQLite) NextDue(ctx context.Context) (time.Time, bool, error) {
	var due sql.NullInt64
	if err := s.read.QueryRowContext(ctx, `SELECT MIN(due) FROM held`).Scan(&due); err != nil {
		return time.Time{}, false, fmt.Errorf("read next held due time: %w", err)
	}
	if !due.Valid {
		return time.Time{}, false, nil
	}
	return time.Unix(0, due.Int64).UTC(), true, nil
}

// Release queues msgs and applies changes in one transaction.
func (s *SQLite) Release(ctx context.Context, msgs []OutboxMessage, changes HeldChanges, at time.Time) ([]int64, error) {
	var ids []int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		for _, m := range msgs {
			id, err := insertMessage(ctx, tx, m, at)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return applyHeld(ctx, tx, &changes, ids, at)
	})
	if err != nil {
		return nil, fmt.Errorf("release held messages: %w", err)
	}
	return ids, nil
}

// applyHeld writes changes inside tx. ids are the outbox ids of the
// messages written in the same transaction, which MessageRef.Index
// points into.
func applyHeld(ctx context.Context, tx *sql.Tx, c *HeldChanges, ids []int64, at time.Time) error {
	if c.Empty() {
		return nil
	}
	resolve := func(r MessageRef) (int64, error) {
		if r.ID != 0 {
			return r.ID, nil
		}
		if r.Index < 0 || r.Index >= len(ids) {
			return 0, fmt.Errorf("message index %d out of range: %d messages written", r.Index, len(ids))
		}
		return ids[r.Index], nil
	}

	for _, id := range c.Delete {
		if _, err := tx.ExecContext(ctx, `DELETE FROM held WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete held message %d: %w", id, err)
		}
	}
	for _, h := range c.Hold {
		if err := insertHold(ctx, tx, h, at); err != nil {
			return err
		}
	}
	for _, h := range c.Rewrite {
		if _, err := tx.ExecContext(ctx, `UPDATE held SET body = ?, due = ? WHERE id = ?`,
			nonNil(h.Body), h.Due.UnixNano(), h.ID); err != nil {
			return fmt.Errorf("rewrite held message %d: %w", h.ID, err)
		}
	}
	for _, r := range c.Repeats {
		if err := upsertRepeat(ctx, tx, r); err != nil {
			return err
		}
	}
	for _, l := range c.Living {
		root, err := resolve(l.Root)
		if err != nil {
			return err
		}
		if err := upsertLiving(ctx, tx, l, root); err != nil {
			return err
		}
	}
	for _, l := range c.Links {
		if err := insertLink(ctx, tx, l, resolve); err != nil {
			return err
		}
	}
	return nil
}

func insertHold(ctx context.Context, tx *sql.Tx, h Hold, at time.Time) error {
	created := h.Created
	if created.IsZero() {
		created = at
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO held
		(kind, channel, rule, key, document, inbox_id, due, created, body)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		h.Kind, h.Channel, h.Rule, h.Key, h.Document, h.InboxID, h.Due.UnixNano(), created.UnixNano(), nonNil(h.Body))
	if err != nil {
		return fmt.Errorf("hold message of rule %q for channel %q: %w", h.Rule, h.Channel, err)
	}
	return nil
}

func upsertRepeat(ctx context.Context, tx *sql.Tx, r Repeat) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO repeats
		(rule, channel, document, status, announced, suppressed) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (rule, channel, document, status) DO UPDATE SET
			announced = excluded.announced, suppressed = excluded.suppressed`,
		r.Rule, r.Channel, r.Document, r.Status, toNanos(r.Announced), r.Suppressed)
	if err != nil {
		return fmt.Errorf("write repeat record of %q: %w", r.Document, err)
	}
	return nil
}

func upsertLiving(ctx context.Context, tx *sql.Tx, l LivingMessage, root int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO living
		(rule, channel, key, root, started, updated, body) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (rule, channel, key) DO UPDATE SET root = excluded.root,
			started = excluded.started, updated = excluded.updated, body = excluded.body`,
		l.Rule, l.Channel, l.Key, root, toNanos(l.Started), toNanos(l.Updated), nonNil(l.Body))
	if err != nil {
		return fmt.Errorf("write living message of %q: %w", l.Key, err)
	}
	return nil
}

func insertLink(ctx context.Context, tx *sql.Tx, l Link, resolve func(MessageRef) (int64, error)) error {
	message, err := resolve(MessageRef{Index: l.Index})
	if err != nil {
		return err
	}
	root, err := resolve(l.Root)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_links (message, mode, root) VALUES (?, ?, ?)`,
		message, l.Mode, root); err != nil {
		return fmt.Errorf("link message %d to message %d: %w", message, root, err)
	}
	return nil
}

// Repeat returns a repeat record.
func (s *SQLite) Repeat(ctx context.Context, key RepeatKey) (Repeat, bool, error) {
	r := Repeat{RepeatKey: key}
	var announced int64
	err := s.read.QueryRowContext(ctx, `SELECT announced, suppressed FROM repeats
		WHERE rule = ? AND channel = ? AND document = ? AND status = ?`,
		key.Rule, key.Channel, key.Document, key.Status).Scan(&announced, &r.Suppressed)
	if errors.Is(err, sql.ErrNoRows) {
		return Repeat{}, false, nil
	}
	if err != nil {
		return Repeat{}, false, fmt.Errorf("read repeat record of %q: %w", key.Document, err)
	}
	r.Announced = fromNanos(announced)
	return r, true, nil
}

// Living returns a living message record.
func (s *SQLite) Living(ctx context.Context, rule, channel, key string) (LivingMessage, bool, error) {
	l := LivingMessage{Rule: rule, Channel: channel, Key: key}
	var started, updated int64
	err := s.read.QueryRowContext(ctx, `SELECT root, started, updated, body FROM living
		WHERE rule = ? AND channel = ? AND key = ?`, rule, channel, key).
		Scan(&l.Root.ID, &started, &updated, &l.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return LivingMessage{}, false, nil
	}
	if err != nil {
		return LivingMessage{}, false, fmt.Errorf("read living message of %q: %w", key, err)
	}
	l.Started, l.Updated = fromNanos(started), fromNanos(updated)
	return l, true, nil
}

// MessageLink returns what an outbox message edits or replies to.
func (s *SQLite) MessageLink(ctx context.Context, id int64) (MessageLink, bool, error) {
	var l MessageLink
	var state, remoteID, remoteChannel sql.NullString
	err := s.read.QueryRowContext(ctx, `SELECT l.mode, l.root, o.state, o.remote_id, o.remote_channel
		FROM outbox_links l LEFT JOIN outbox o ON o.id = l.root WHERE l.message = ?`, id).
		Scan(&l.Mode, &l.Root, &state, &remoteID, &remoteChannel)
	if errors.Is(err, sql.ErrNoRows) {
		return MessageLink{}, false, nil
	}
	if err != nil {
		return MessageLink{}, false, fmt.Errorf("read link of message %d: %w", id, err)
	}
	// A root pruned from the outbox reads as state "".
	l.RootState = state.String
	l.RootReceipt.MessageID, l.RootReceipt.ChannelID = remoteID.String, remoteChannel.String
	return l, true, nil
}

// Relink points links from one root message to another.
func (s *SQLite) Relink(ctx context.Context, from, to int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox_links SET root = ? WHERE root = ?`, to, from); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE living SET root = ? WHERE root = ?`, to, from)
		return err
	})
	if err != nil {
		return fmt.Errorf("relink messages of message %d to message %d: %w", from, to, err)
	}
	return nil
}

func scanHolds(rows *sql.Rows) ([]Hold, error) {
	defer rows.Close()
	var out []Hold
	for rows.Next() {
		var h Hold
		var due, created int64
		if err := rows.Scan(&h.ID, &h.Kind, &h.Channel, &h.Rule, &h.Key, &h.Document, &h.InboxID,
			&due, &created, &h.Body); err != nil {
			return nil, err
		}
		h.Due, h.Created = fromNanos(due), fromNanos(created)
		out = append(out, h)
	}
	return out, rows.Err()
}

// nonNil turns a nil body into an empty one, which the NOT NULL body
// columns accept.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
