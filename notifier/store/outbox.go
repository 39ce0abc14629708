package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
)

const messageColumns = `id, channel, inbox_id, rule, document, message, state, attempts,
	next_at, created, sent, remote_id, remote_channel, last_error`

// PendingMessages returns pending messages of a channel, oldest first.
func (s *SQLite) PendingMessages(ctx context.Context, channel string, limit int) ([]OutboxMessage, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+messageColumns+` FROM outbox
		WHERE channel = ? AND state = ? ORDER BY id LIMIT ?`, channel, StatePending, limit)
	if err != nil {
		return nil, err
	}
	return scanMessages(rows)
}

// MarkSent records a delivered message with the platform's ids.
func (s *SQLite) MarkSent(ctx context.Context, id int64, r notifier.Receipt, at time.Time) error {
	return s.exec(ctx, id, `UPDATE outbox SET state = ?, sent = ?, remote_id = ?, remote_channel = ?,
		attempts = attempts + 1 WHERE id = ?`, StateSent, at.UnixNano(), r.MessageID, r.ChannelID, id)
}

// MarkRetry records a failed attempt.
func (s *SQLite) MarkRetry(ctx context.Context, id int64, attempts int, next time.Time, lastErr string) error {
	return s.exec(ctx, id, `UPDATE outbox SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?`,
		attempts, next.UnixNano(), lastErr, id)
}

// MarkFailed dead-letters a message.
func (s *SQLite) MarkFailed(ctx context.Context, id int64, attempts int, lastErr string, at time.Time) error {
	return s.exec(ctx, id, `UPDATE outbox SET state = ?, attempts = ?, last_error = ?, next_at = ?
		WHERE id = ?`, StateFailed, attempts, lastErr, at.UnixNano(), id)
}

func (s *SQLite) exec(ctx context.Context, id int64, query string, args ...any) error {
	res, err := s.write.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("update message %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update message %d: %w", id, ErrNotFound)
	}
	return nil
}

// Messages lists outbox messages, newest first.
func (s *SQLite) Messages(ctx context.Context, f MessageFilter) ([]OutboxMessage, error) {
	var where []string
	var args []any
	if f.State != "" {
		where = append(where, "state = ?")
		args = append(args, f.State)
	}
	if f.Channel != "" {
		where = append(where, "channel = ?")
		args = append(args, f.Channel)
	}
	query := `SELECT ` + messageColumns + ` FROM outbox` //nolint:gosec // only constant SQL is joined here
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ") //nolint:gosec // constant conditions with placeholders
	}
	query += " ORDER BY id DESC LIMIT ?"
	limit := -1 // SQLite reads a negative limit as none
	if f.Limit > 0 {
		limit = f.Limit
	}
	args = append(args, limit)

	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanMessages(rows)
}

// Requeue moves failed messages back to pending.
func (s *SQLite) Requeue(ctx context.Context, ids []int64, at time.Time) (int, error) {
	query := `UPDATE outbox SET state = ?, next_at = ?, attempts = 0, created = ? WHERE state = ?`
	args := []any{StatePending, at.UnixNano(), at.UnixNano(), StateFailed}
	if len(ids) > 0 {
		// Only placeholders are joined; the ids travel as arguments.
		query += " AND id IN (" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")" //nolint:gosec
		for _, id := range ids {
			args = append(args, id)
		}
	}
	res, err := s.write.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("requeue failed messages: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// TrimBacklog dead-letters the oldest pending messages beyond max.
func (s *SQLite) TrimBacklog(ctx context.Context, channel string, max int, reason string, at time.Time) ([]int64, error) {
	var ids []int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM outbox WHERE channel = ? AND state = ?
			ORDER BY id DESC LIMIT -1 OFFSET ?`, channel, StatePending, max)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = ?, last_error = ?, next_at = ?
				WHERE id = ?`, StateFailed, reason, at.UnixNano(), id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("trim backlog of channel %q: %w", channel, err)
	}
	return ids, nil
}

// pruneStatements delete what is older than the cut-off (the one
// argument): handled webhooks, sent messages, and the records of expired
// mutes, repeats and living messages. Byte-identical redeliveries arrive
// within minutes, so dropping inbox rows after days keeps their check.
var pruneStatements = []string{
	`DELETE FROM inbox WHERE processed IS NOT NULL AND received < ?`,
	`DELETE FROM outbox WHERE state = 'sent' AND sent < ?`,
	`DELETE FROM outbox_links WHERE message NOT IN (SELECT id FROM outbox) AND ? > 0`,
	`DELETE FROM repeats WHERE announced < ?`,
	`DELETE FROM living WHERE updated < ?`,
	`DELETE FROM mutes WHERE until < ?`,
}

// Prune deletes rows older than before and returns how many went.
func (s *SQLite) Prune(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, stmt := range pruneStatements {
			res, err := tx.ExecContext(ctx, stmt, before.UnixNano())
			if err != nil {
				return fmt.Errorf("prune: %w", err)
			}
			n, _ := res.RowsAffected()
			total += n
		}
		return nil
	})
	return total, err
}

func scanMessages(rows *sql.Rows) ([]OutboxMessage, error) {
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		var m OutboxMessage
		var body []byte
		var next, created int64
		var sent sql.NullInt64
		err := rows.Scan(&m.ID, &m.Channel, &m.InboxID, &m.Rule, &m.Document, &body, &m.State,
			&m.Attempts, &next, &created, &sent, &m.Receipt.MessageID, &m.Receipt.ChannelID, &m.LastErr)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(body, &m.Message); err != nil {
			return nil, fmt.Errorf("decode message %d: %w", m.ID, err)
		}
		m.Next = fromNanos(next)
		m.Created = fromNanos(created)
		m.Sent = fromNanos(sent.Int64)
		out = append(out, m)
	}
	return out, rows.Err()
}
