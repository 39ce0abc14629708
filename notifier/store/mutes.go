package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// muteSchema holds the mutes set with `fcnotify mute`. Rows stay after
// they expire, so `fcnotify mutes --all` can show them.
const muteSchema = `
CREATE TABLE IF NOT EXISTS mutes (
	id      INTEGER PRIMARY KEY,
	kind    TEXT    NOT NULL,
	target  TEXT    NOT NULL,
	until   INTEGER NOT NULL,
	reason  TEXT    NOT NULL,
	created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS mutes_target ON mutes (kind, target, until);
`

// MuteStore keeps mutes. The command line writes them while the server
// runs, and the processor reads them for every event. *SQLite
// implements it.
type MuteStore interface {
	// AddMute stores a mute and returns its id.
	AddMute(ctx context.Context, m Mute) (int64, error)

	// Mutes lists mutes, newest first: those still active at at, or
	// every mute when all is set.
	Mutes(ctx context.Context, at time.Time, all bool) ([]Mute, error)

	// RemoveMute deletes a mute. It returns an error wrapping
	// ErrNotFound when no mute has that id.
	RemoveMute(ctx context.Context, id int64) error

	// MuteFor returns the newest mute of any of targets that is active at
	// at, and false when none is.
	MuteFor(ctx context.Context, targets []MuteTarget, at time.Time) (Mute, bool, error)
}

// Kinds of mute targets.
const (
	MuteSite  = "site"
	MuteBench = "bench"
	MuteGroup = "group"
	MuteTeam  = "team"
)

// MuteTarget is the site, bench, release group or team whose events a
// mute silences.
type MuteTarget struct {
	Kind   string
	Target string
}

// Mute silences a target until a time.
type Mute struct {
	ID int64
	MuteTarget
	Until   time.Time
	Reason  string
	Created time.Time
}

// AddMute stores a mute.
func (s *SQLite) AddMute(ctx context.Context, m Mute) (int64, error) {
	res, err := s.write.ExecContext(ctx, `INSERT INTO mutes (kind, target, until, reason, created)
		VALUES (?, ?, ?, ?, ?)`, m.Kind, m.Target, m.Until.UnixNano(), m.Reason, m.Created.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("add mute of %s %q: %w", m.Kind, m.Target, err)
	}
	return res.LastInsertId()
}

// Mutes lists mutes, newest first.
func (s *SQLite) Mutes(ctx context.Context, at time.Time, all bool) ([]Mute, error) {
	query := `SELECT id, kind, target, until, reason, created FROM mutes`
	var args []any
	if !all {
		query += ` WHERE until > ?`
		args = append(args, at.UnixNano())
	}
	rows, err := s.read.QueryContext(ctx, query+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list mutes: %w", err)
	}
	return scanMutes(rows)
}

// RemoveMute deletes a mute.
func (s *SQLite) RemoveMute(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, `DELETE FROM mutes WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("remove mute %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("remove mute %d: %w", id, ErrNotFound)
	}
	return nil
}

// MuteFor returns the newest active mute of any of targets.
func (s *SQLite) MuteFor(ctx context.Context, targets []MuteTarget, at time.Time) (Mute, bool, error) {
	var match []string
	args := []any{at.UnixNano()}
	for _, t := range targets {
		if t.Target == "" {
			continue
		}
		match = append(match, "(kind = ? AND target = ?)")
		args = append(args, t.Kind, t.Target)
	}
	if len(match) == 0 {
		return Mute{}, false, nil
	}

	// Only the fixed "(kind = ? AND target = ?)" terms are joined into the
	// query, and the values travel as arguments.
	query := `SELECT id, kind, target, until, reason, created FROM mutes WHERE until > ? AND (`
	query += strings.Join(match, " OR ") + `) ORDER BY id DESC LIMIT 1` //nolint:gosec // placeholders only
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return Mute{}, false, fmt.Errorf("read mutes: %w", err)
	}
	mutes, err := scanMutes(rows)
	if err != nil || len(mutes) == 0 {
		return Mute{}, false, err
	}
	return mutes[0], true, nil
}

func scanMutes(rows *sql.Rows) ([]Mute, error) {
	defer rows.Close()
	var out []Mute
	for rows.Next() {
		var m Mute
		var until, created int64
		if err := rows.Scan(&m.ID, &m.Kind, &m.Target, &until, &m.Reason, &created); err != nil {
			return nil, err
		}
		m.Until, m.Created = fromNanos(until), fromNanos(created)
		out = append(out, m)
	}
	return out, rows.Err()
}
