package notifier

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sender posts messages to one channel. Send must return within the
// context's deadline and must not retry or sleep on its own: the caller
// owns retries and pacing. Implementations are safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, msg *Message) (Receipt, error)
}

// Receipt identifies a delivered message on its platform. Both fields are
// empty when the platform returns no id (Slack incoming webhooks).
type Receipt struct {
	// MessageID is the Slack ts or the Discord message id.
	MessageID string
	// ChannelID is the Slack channel id the message landed in.
	ChannelID string
}

// Class sorts a failed send by what the caller should do next.
type Class string

const (
	// ClassTransient failed for a reason that may pass: 5xx, timeout,
	// connection error. Retry with backoff.
	ClassTransient Class = "transient"
	// ClassRateLimited was rejected for pace. Retry after RetryAfter.
	ClassRateLimited Class = "rate_limited"
	// ClassFinal will fail the same way every time: a revoked token, a
	// deleted channel, a rejected payload. Do not retry.
	ClassFinal Class = "final"
)

// SendError is the one error type Senders return. Its text never contains
// a webhook URL or a token.
type SendError struct {
	Class Class
	// RetryAfter is the wait the platform asked for; zero when it gave
	// none or gave one that could not be read.
	RetryAfter time.Duration
	// Global is set when Discord reports its global rate limit.
	Global bool
	// Status is the HTTP status, zero when no response arrived.
	Status int
	// Code is the platform's error code, such as channel_not_found or
	// 10015, when it sent one.
	Code string
	// Reason is a short redacted description.
	Reason string
}

func (e *SendError) Error() string {
	msg := string(e.Class)
	if e.Status != 0 {
		msg += fmt.Sprintf(": HTTP %d", e.Status)
	}
	if e.Code != "" {
		msg += ": " + e.Code
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// ClassOf returns the class of a send error. Errors that are not a
// *SendError count as transient, so an unexpected failure is retried and
// never silently dropped.
func ClassOf(err error) Class {
	var se *SendError
	if errors.As(err, &se) {
		return se.Class
	}
	return ClassTransient
}
