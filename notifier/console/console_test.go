package console

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/fcnotify/fcnotify/notifier"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		msg  notifier.Message
		want string
	}{
		{
			name: "full message",
			msg: notifier.Message{
				Title:  "Bench bench-1 is Broken",
				Text:   "Status went from Active to Broken.\n",
				Fields: []notifier.Field{{Name: "Cluster", Value: "Mumbai", Inline: true}, {Name: "Group", Value: "g-1"}},
				Links:  []notifier.Link{{Text: "Open bench", URL: "https://frappecloud.com/dashboard/benches/bench-1"}},
				Footer: "team-7f3a · 2024-05-01 10:00 UTC",
			},
			want: "Bench bench-1 is Broken\n" +
				"Status went from Active to Broken.\n" +
				"Cluster: Mumbai\n" +
				"Group: g-1\n" +
				"Open bench: https://frappecloud.com/dashboard/benches/bench-1\n" +
				"team-7f3a · 2024-05-01 10:00 UTC\n\n",
		},
		{
			name: "title only",
			msg:  notifier.Message{Title: "Deploy failed"},
			want: "Deploy failed\n\n",
		},
		{
			name: "fallback when nothing else",
			msg:  notifier.Message{Fallback: "site s1 is Active"},
			want: "site s1 is Active\n\n",
		},
		{
			name: "empty message",
			msg:  notifier.Message{},
			want: "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Format(&tt.msg); got != tt.want {
				t.Errorf("Format() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSendWritesBlocks(t *testing.T) {
	var out strings.Builder
	s := New(&out)

	receipt, err := s.Send(context.Background(), &notifier.Message{Title: "one"})
	if err != nil {
		t.Fatalf("Send() error = %v", err)
	}
	if receipt != (notifier.Receipt{}) {
		t.Errorf("Send() receipt = %+v, want empty", receipt)
	}
	if _, err := s.Send(context.Background(), &notifier.Message{Title: "two"}); err != nil {
		t.Fatalf("Send() error = %v", err)
	}
	if got, want := out.String(), "one\n\ntwo\n\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

// TestSendConcurrent writes to a bytes.Buffer, which is not safe for
// concurrent use: the race detector and the output show a missing lock.
func TestSendConcurrent(t *testing.T) {
	var out bytes.Buffer
	s := New(&out)

	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := s.Send(context.Background(), &notifier.Message{Title: "t", Text: "x"}); err != nil {
				t.Errorf("Send() error = %v", err)
			}
		})
	}
	wg.Wait()

	if got, want := out.String(), strings.Repeat("t\nx\n\n", 20); got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestSendErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name       string
		ctx        context.Context
		w          interface{ Write([]byte) (int, error) }
		wantReason string
	}{
		{"write fails", context.Background(), failingWriter{}, "write message: disk full"},
		{"context canceled", canceled, &strings.Builder{}, "write message: context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.w).Send(tt.ctx, &notifier.Message{Title: "t"})
			var sendErr *notifier.SendError
			if !errors.As(err, &sendErr) {
				t.Fatalf("Send() error = %v, want *notifier.SendError", err)
			}
			if sendErr.Class != notifier.ClassTransient {
				t.Errorf("Class = %q, want %q", sendErr.Class, notifier.ClassTransient)
			}
			if sendErr.Reason != tt.wantReason {
				t.Errorf("Reason = %q, want %q", sendErr.Reason, tt.wantReason)
			}
		})
	}
}
