// Package store keeps fcnotify's durable state: the inbox of accepted
// webhooks, the last known version of each document, what earlier events
// taught about teams, and the outbox of messages to deliver.
//
// Store is the contract every backend meets; Open returns the SQLite one.
// Every method is safe for concurrent use.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
)

// ErrNotFound is returned when a row asked for by id does not exist.
var ErrNotFound = errors.New("not found")

// Store is the durable state behind fcnotify.
type Store interface {
	// Accept commits a webhook body to the inbox and returns its id.
	// Duplicate is true when a byte-identical body was accepted before;
	// nothing is stored then. Accept returns only after the row is on
	// disk, and concurrent calls share one commit.
	Accept(ctx context.Context, item InboxItem) (id int64, duplicate bool, err error)

	// PendingInbox returns up to limit unprocessed inbox rows with an id
	// above after, oldest first.
	PendingInbox(ctx context.Context, after int64, limit int) ([]InboxItem, error)

	// Document returns the last known version of a document, and false
	// when the document was never seen.
	Document(ctx context.Context, doctype, name string) (DocumentState, bool, error)

	// Team returns the team learned for a site or a release group, or ""
	// when none is known. Kind is "site" or "group".
	Team(ctx context.Context, kind, key string) (string, error)

	// Complete records everything that processing an inbox row produced,
	// in one transaction: the row is marked processed, the document state
	// and learned teams are written and the messages are queued. After a
	// crash a row is either fully processed or still pending.
	Complete(ctx context.Context, c Completion) ([]int64, error)

	// PendingMessages returns up to limit pending messages of a channel
	// in the order they were queued.
	PendingMessages(ctx context.Context, channel string, limit int) ([]OutboxMessage, error)

	// MarkSent records that the platform accepted a message.
	MarkSent(ctx context.Context, id int64, receipt notifier.Receipt, at time.Time) error

	// MarkRetry records a failed attempt and when to try again.
	MarkRetry(ctx context.Context, id int64, attempts int, next time.Time, lastErr string) error

	// MarkFailed moves a message to the dead-letter state.
	MarkFailed(ctx context.Context, id int64, attempts int, lastErr string, at time.Time) error

	// Messages lists outbox messages, newest first.
	Messages(ctx context.Context, f MessageFilter) ([]OutboxMessage, error)

	// Requeue moves failed messages back to pending, due at once. With no
	// ids it requeues every failed message. It returns how many moved.
	Requeue(ctx context.Context, ids []int64, at time.Time) (int, error)

	// TrimBacklog dead-letters the oldest pending messages of a channel
	// beyond max and returns their ids.
	TrimBacklog(ctx context.Context, channel string, max int, reason string, at time.Time) ([]int64, error)

	// Prune deletes processed inbox rows and sent messages older than
	// before, keeping the state of documents.
	Prune(ctx context.Context, before time.Time) (int64, error)

	// Ping checks that the store can be read.
	Ping(ctx context.Context) error

	// Close waits for commits in flight and closes the store.
	Close() error
}

// InboxItem is one accepted webhook body.
type InboxItem struct {
	ID       int64
	Digest   string
	Endpoint string
	// Team is the team bound to the secret the body arrived with, used
	// for events that carry no team.
	Team     string
	Body     []byte
	Received time.Time
}

// DocumentState is the last known version of a document.
type DocumentState struct {
	Doctype  string
	Name     string
	Status   string
	Modified time.Time
	Team     string
	Updated  time.Time
}

// Completion is the result of processing one inbox row.
type Completion struct {
	InboxID int64
	// Document is written when set; nil leaves the state unchanged, as
	// for stale events and repeats.
	Document *DocumentState
	// Teams maps kind ("site", "group") and key to a team learned from
	// this event.
	Teams    []TeamFact
	Messages []OutboxMessage
	// Inventory holds the snapshot rows this event replaces.
	Inventory []InventoryRow
	// Held, when set, is what the noise controls hold back and remember
	// for this event. Its MessageRef indexes point into Messages.
	Held *HeldChanges
	At   time.Time
}

// TeamFact is one team learned from an event.
type TeamFact struct {
	Kind string
	Key  string
	Team string
}

// Message states.
const (
	StatePending = "pending"
	StateSent    = "sent"
	StateFailed  = "failed"
)

// OutboxMessage is one message for one channel.
type OutboxMessage struct {
	ID       int64
	Channel  string
	InboxID  int64
	Rule     string
	Document string
	Message  notifier.Message
	State    string
	Attempts int
	Next     time.Time
	Created  time.Time
	Sent     time.Time
	Receipt  notifier.Receipt
	LastErr  string
}

// MessageFilter narrows Messages; zero fields match everything.
type MessageFilter struct {
	State   string
	Channel string
	Limit   int
}
