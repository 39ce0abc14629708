// Package console prints fcnotify messages as plain text, for trying
// rules and templates without a chat platform.
package console

import (
	"context"
	"io"
	"strings"
	"sync"

	"github.com/fcnotify/fcnotify/notifier"
)

// Sender writes each message as a block of plain text followed by a
// blank line. It is safe for concurrent use: blocks never interleave.
type Sender struct {
	mu sync.Mutex
	w  io.Writer
}

// New returns a Sender that writes to w.
func New(w io.Writer) *Sender {
	return &Sender{w: w}
}

// Send writes msg: the title, the text, one "name: value" line per field,
// one "text: url" line per link and the footer, each part only when set.
// The Receipt is always empty. A failed write returns a transient
// *notifier.SendError.
func (s *Sender) Send(ctx context.Context, msg *notifier.Message) (notifier.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return notifier.Receipt{}, &notifier.SendError{Class: notifier.ClassTransient, Reason: "write message: " + err.Error()}
	}
	block := Format(msg)

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := io.WriteString(s.w, block); err != nil {
		return notifier.Receipt{}, &notifier.SendError{Class: notifier.ClassTransient, Reason: "write message: " + err.Error()}
	}
	return notifier.Receipt{}, nil
}

// Format returns the text Send writes for msg, ending in a blank line.
func Format(msg *notifier.Message) string {
	var b strings.Builder
	line := func(text string) {
		if text = strings.TrimRight(text, "\n"); text != "" {
			b.WriteString(text)
			b.WriteByte('\n')
		}
	}

	line(msg.Title)
	line(msg.Text)
	for _, f := range msg.Fields {
		line(f.Name + ": " + f.Value)
	}
	for _, link := range msg.Links {
		line(link.Text + ": " + link.URL)
	}
	line(msg.Footer)
	if b.Len() == 0 {
		line(msg.Fallback)
	}
	b.WriteByte('\n')
	return b.String()
}
