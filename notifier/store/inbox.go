package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrClosed is returned by Accept after Close.
var ErrClosed = errors.New("store is closed")

// maxBatch bounds how many accepted bodies share one commit.
const maxBatch = 256

type acceptRequest struct {
	item  InboxItem
	reply chan acceptResult
}

type acceptResult struct {
	id        int64
	duplicate bool
	err       error
}

// Accept commits a webhook body to the inbox. Concurrent calls are
// gathered into one transaction, so one fsync covers many requests.
func (s *SQLite) Accept(ctx context.Context, item InboxItem) (int64, bool, error) {
	req := acceptRequest{item: item, reply: make(chan acceptResult, 1)}
	select {
	case s.accepts <- req:
	case <-s.done:
		return 0, false, ErrClosed
	case <-ctx.Done():
		return 0, false, ctx.Err()
	}

	// Once queued the request is committed or failed by the loop, even
	// if the caller stops waiting: it is never half-written.
	select {
	case res := <-req.reply:
		return res.id, res.duplicate, res.err
	case <-ctx.Done():
		return 0, false, ctx.Err()
	}
}

func (s *SQLite) commitLoop() {
	defer s.wg.Done()
	for {
		select {
		case req := <-s.accepts:
			s.commitBatch(s.gather(req))
		case <-s.done:
			s.drainAccepts()
			return
		}
	}
}

// gather takes whatever else is already queued, without waiting: under
// load the queue fills while the previous batch commits.
func (s *SQLite) gather(first acceptRequest) []acceptRequest {
	batch := []acceptRequest{first}
	for len(batch) < maxBatch {
		select {
		case req := <-s.accepts:
			batch = append(batch, req)
		default:
			return batch
		}
	}
	return batch
}

func (s *SQLite) drainAccepts() {
	for {
		select {
		case req := <-s.accepts:
			s.commitBatch(s.gather(req))
		default:
			return
		}
	}
}

func (s *SQLite) commitBatch(batch []acceptRequest) {
	results := make([]acceptResult, len(batch))
	err := s.inDurableTx(context.Background(), func(tx *sql.Tx) error {
		stmt, err := tx.Prepare(`INSERT INTO inbox (digest, endpoint, team, body, received)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()

		for i, req := range batch {
			it := req.item
			res, err := stmt.Exec(it.Digest, it.Endpoint, it.Team, it.Body, it.Received.UnixNano())
			if err != nil {
				return fmt.Errorf("insert inbox row: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				results[i].duplicate = true
				continue
			}
			results[i].id, _ = res.LastInsertId()
		}
		return nil
	})

	for i, req := range batch {
		if err != nil {
			results[i] = acceptResult{err: err}
		}
		req.reply <- results[i]
	}
}

// PendingInbox returns unprocessed inbox rows with an id above after.
func (s *SQLite) PendingInbox(ctx context.Context, after int64, limit int) ([]InboxItem, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, digest, endpoint, team, body, received
		FROM inbox WHERE processed IS NULL AND id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var items []InboxItem
	for rows.Next() {
		var it InboxItem
		var received int64
		if err := rows.Scan(&it.ID, &it.Digest, &it.Endpoint, &it.Team, &it.Body, &received); err != nil {
			return nil, err
		}
		it.Received = fromNanos(received)
		items = append(items, it)
	}
	return items, rows.Err()
}
