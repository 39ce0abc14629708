package store

import (
	"context"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
)

// heldSchema holds the stage between processing and the outbox. The
// held table keeps messages that wait for a group window, a settle time
// or the end of quiet hours. The repeats table keeps the last
// announcement of each document and status, living the first message of
// each living message, and outbox_links the outbox messages that edit or
// reply to an earlier one.
const heldSchema = `
CREATE TABLE IF NOT EXISTS held (
	id       INTEGER PRIMARY KEY,
	kind     TEXT    NOT NULL,
	channel  TEXT    NOT NULL,
	rule     TEXT    NOT NULL,
	key      TEXT    NOT NULL,
	document TEXT    NOT NULL,
	inbox_id INTEGER NOT NULL,
	due      INTEGER NOT NULL,
	created  INTEGER NOT NULL,
	body     BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS held_due ON held (due, id);
CREATE INDEX IF NOT EXISTS held_key ON held (kind, channel, rule, key);
CREATE INDEX IF NOT EXISTS held_document ON held (document, kind);

CREATE TABLE IF NOT EXISTS repeats (
	rule       TEXT    NOT NULL,
	channel    TEXT    NOT NULL,
	document   TEXT    NOT NULL,
	status     TEXT    NOT NULL,
	announced  INTEGER NOT NULL,
	suppressed INTEGER NOT NULL,
	PRIMARY KEY (rule, channel, document, status)
);

CREATE TABLE IF NOT EXISTS living (
	rule    TEXT    NOT NULL,
	channel TEXT    NOT NULL,
	key     TEXT    NOT NULL,
	root    INTEGER NOT NULL,
	started INTEGER NOT NULL,
	updated INTEGER NOT NULL,
	body    BLOB    NOT NULL,
	PRIMARY KEY (rule, channel, key)
);

CREATE TABLE IF NOT EXISTS outbox_links (
	message INTEGER PRIMARY KEY,
	mode    TEXT    NOT NULL,
	root    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_links_root ON outbox_links (root);
`

// HeldStore keeps what the noise controls hold back and remember. The
// processor writes it through Completion.Held, in the transaction of the
// event, and the releaser through Release; the delivery workers read
// MessageLink. *SQLite implements it.
type HeldStore interface {
	// Holds returns the held rows that pass f, by due time and then id.
	Holds(ctx context.Context, f HoldFilter) ([]Hold, error)

	// DueHolds returns up to limit held rows due at or before at, by due
	// time and then id.
	DueHolds(ctx context.Context, at time.Time, limit int) ([]Hold, error)

	// NextDue returns the earliest due time of any held row, and false
	// when nothing is held.
	NextDue(ctx context.Context) (time.Time, bool, error)

	// Release queues msgs in the outbox and applies changes in one
	// transaction, and returns the ids of msgs in order.
	Release(ctx context.Context, msgs []OutboxMessage, changes HeldChanges, at time.Time) ([]int64, error)

	// Repeat returns the repeat record of a rule, channel, document and
	// status, and false when there is none.
	Repeat(ctx context.Context, key RepeatKey) (Repeat, bool, error)

	// Living returns the living message of a rule, channel and key, and
	// false when there is none.
	Living(ctx context.Context, rule, channel, key string) (LivingMessage, bool, error)

	// MessageLink returns what the outbox message id edits or replies to,
	// with that message's state and receipt, and false when id is a
	// message of its own.
	MessageLink(ctx context.Context, id int64) (MessageLink, bool, error)

	// Relink points the links to the outbox message from at the message
	// to instead, for when an edit had to be posted as a new message.
	Relink(ctx context.Context, from, to int64) error
}

// Kinds of held rows.
const (
	// HoldGroup waits for the end of a group's window. Every event of a
	// group has its own row, with the same rule, channel, key and due.
	HoldGroup = "group"
	// HoldSettle waits to see whether a document returns to the status
	// it left.
	HoldSettle = "settle"
	// HoldQuiet waits for the end of quiet hours.
	HoldQuiet = "quiet"
)

// Hold is one held row.
type Hold struct {
	ID   int64
	Kind string
	// Channel and Rule are where the message goes and which rule made it.
	Channel string
	Rule    string
	// Key is the group key for HoldGroup rows and "" otherwise.
	Key string
	// Document is the doctype and name of the event's document, as the
	// processor writes them, or "" for a row that is about several.
	Document string
	InboxID  int64
	// Due is when the row is released.
	Due     time.Time
	Created time.Time
	// Body is the processor's JSON: the template data and how to render
	// it. The store does not read it.
	Body []byte
}

// HoldFilter narrows Holds. Empty fields match everything, and a zero
// DueAfter matches every due time.
type HoldFilter struct {
	Kind     string
	Channel  string
	Rule     string
	Key      string
	Document string
	// DueAfter keeps rows due strictly after it.
	DueAfter time.Time
}

// HeldChanges are the writes of the noise controls beside queuing
// messages, made in the same transaction as the messages.
type HeldChanges struct {
	// Hold lists new rows; their IDs are ignored.
	Hold []Hold
	// Rewrite lists rows, by ID, whose Body and Due change.
	Rewrite []Hold
	// Delete lists rows, by ID, that were released or dropped.
	Delete []int64
	// Repeats are written over the records of the same key.
	Repeats []Repeat
	// Living are written over the records of the same rule, channel and
	// key.
	Living []LivingMessage
	// Links mark messages written in the same transaction as edits of or
	// replies to another message.
	Links []Link
}

// Empty reports whether the changes change nothing.
func (c *HeldChanges) Empty() bool {
	return c == nil || len(c.Hold)+len(c.Rewrite)+len(c.Delete)+len(c.Repeats)+len(c.Living)+len(c.Links) == 0
}

// MessageRef names an outbox message: by ID when it is already queued,
// or by Index into the messages written in the same transaction when ID
// is zero.
type MessageRef struct {
	ID    int64
	Index int
}

// RepeatKey identifies a repeat record.
type RepeatKey struct {
	Rule     string
	Channel  string
	Document string
	Status   string
}

// Repeat records when a document last had a status announced, and how
// many times it reached that status since then without an announcement.
type Repeat struct {
	RepeatKey
	Announced  time.Time
	Suppressed int
}

// LivingMessage is the first message about a document, or a group, that
// later messages edit or reply to.
type LivingMessage struct {
	Rule    string
	Channel string
	Key     string
	// Root is the outbox message that later messages change.
	Root    MessageRef
	Started time.Time
	Updated time.Time
	// Body is the processor's JSON, such as the statuses so far.
	Body []byte
}

// Link modes.
const (
	LinkEdit  = "edit"
	LinkReply = "reply"
)

// Link marks the message at Index, among those written in the same
// transaction, as an edit of or a reply to Root.
type Link struct {
	Index int
	Mode  string
	Root  MessageRef
}

// MessageLink is the root message that a queued message edits or
// replies to, by outbox id, with its state and receipt as they are now.
type MessageLink struct {
	Mode        string
	Root        int64
	RootState   string
	RootReceipt notifier.Receipt
}
