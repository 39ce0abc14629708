package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// coreSchema holds the inbox, document state, learned teams and outbox.
const coreSchema = `
CREATE TABLE IF NOT EXISTS inbox (
	id        INTEGER PRIMARY KEY,
	digest    TEXT    NOT NULL UNIQUE,
	endpoint  TEXT    NOT NULL,
	team      TEXT    NOT NULL,
	body      BLOB    NOT NULL,
	received  INTEGER NOT NULL,
	processed INTEGER
);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (id) WHERE processed IS NULL;

CREATE TABLE IF NOT EXISTS documents (
	doctype  TEXT    NOT NULL,
	name     TEXT    NOT NULL,
	status   TEXT    NOT NULL,
	modified INTEGER NOT NULL,
	team     TEXT    NOT NULL,
	updated  INTEGER NOT NULL,
	PRIMARY KEY (doctype, name)
);

CREATE TABLE IF NOT EXISTS teams (
	kind TEXT NOT NULL,
	key  TEXT NOT NULL,
	team TEXT NOT NULL,
	PRIMARY KEY (kind, key)
);

CREATE TABLE IF NOT EXISTS outbox (
	id             INTEGER PRIMARY KEY,
	channel        TEXT    NOT NULL,
	inbox_id       INTEGER NOT NULL,
	rule           TEXT    NOT NULL,
	document       TEXT    NOT NULL,
	message        BLOB    NOT NULL,
	state          TEXT    NOT NULL,
	attempts       INTEGER NOT NULL DEFAULT 0,
	next_at        INTEGER NOT NULL,
	created        INTEGER NOT NULL,
	sent           INTEGER,
	remote_id      TEXT    NOT NULL DEFAULT '',
	remote_channel TEXT    NOT NULL DEFAULT '',
	last_error     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS outbox_channel_state ON outbox (channel, state, id);
CREATE INDEX IF NOT EXISTS outbox_state_id ON outbox (state, id);
`

// schemas are applied in order when a store opens. Each feature keeps its
// tables in its own file and lists its schema here; every statement must
// be idempotent (CREATE ... IF NOT EXISTS).
var schemas = []string{coreSchema, inventorySchema, scheduleSchema, heldSchema, muteSchema}

// SQLite is the Store on an embedded SQLite database in WAL mode.
// Writes go through one connection; reads use a small pool of their own,
// so a long read never waits for a commit.
type SQLite struct {
	write *sql.DB
	read  *sql.DB

	accepts chan acceptRequest
	done    chan struct{}
	once    sync.Once
	wg      sync.WaitGroup
}

// Open opens or creates the SQLite store at path, creating its directory
// when missing. ":memory:" is not supported: the inbox must survive the
// process.
func Open(path string) (*SQLite, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create state directory %q: %w", dir, err)
		}
	}

	// In WAL mode synchronous(NORMAL) survives a killed process but not a
	// power loss. Accept raises it to FULL for its own commits, because the
	// 200 response promises they are on disk. See inDurableTx.
	pragmas := "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + pragmas

	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open state database %q: %w", path, err)
	}
	write.SetMaxOpenConns(1)

	for _, schema := range schemas {
		if _, err := write.Exec(schema); err != nil {
			write.Close()
			return nil, fmt.Errorf("create schema in %q: %w (is it an fcnotify state file?)", path, err)
		}
	}

	read, err := sql.Open("sqlite", dsn)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open state database %q: %w", path, err)
	}
	read.SetMaxOpenConns(4)

	s := &SQLite{
		write:   write,
		read:    read,
		accepts: make(chan acceptRequest, 1024),
		done:    make(chan struct{}),
	}
	s.wg.Add(1)
	go s.commitLoop()
	return s, nil
}

// Ping checks that the store can be read.
func (s *SQLite) Ping(ctx context.Context) error {
	var n int
	return s.read.QueryRowContext(ctx, "SELECT 1").Scan(&n)
}

// Close stops the commit loop after the commits in flight and closes
// both connection pools. Accept calls after Close fail.
func (s *SQLite) Close() error {
	s.once.Do(func() { close(s.done) })
	s.wg.Wait()
	errRead := s.read.Close()
	if err := s.write.Close(); err != nil {
		return err
	}
	return errRead
}

func (s *SQLite) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return runTx(ctx, s.write, fn)
}

// txBeginner is a pool or a single connection.
type txBeginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

func runTx(ctx context.Context, db txBeginner, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// inDurableTx runs fn in a transaction whose commit is on disk before it
// returns, even across a power loss. It holds the one write connection
// throughout, so no other commit runs between the pragmas. A FULL commit
// also syncs every NORMAL commit written before it.
//
// The other commits stay NORMAL: after a power loss the last of them may
// be lost, so those inbox rows are processed again and a message may be
// sent twice, but no accepted event is lost.
func (s *SQLite) inDurableTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()

	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = FULL"); err != nil {
		return err
	}
	defer func() {
		// A failure leaves this connection at FULL: slower, never less safe.
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous = NORMAL")
	}()

	return runTx(ctx, conn, fn)
}
