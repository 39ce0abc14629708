package server

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/crashtest"
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// BenchmarkIntake measures the response time of the webhook handler over
// loopback, one request at a time, with an empty outbox and with 10,000
// messages pending in it. The clock stands still, so the backlog stays
// pending while requests arrive. It reports the median, 99th percentile
// and slowest response in milliseconds, and the messages pending at the end
// (outbox-pending). Run it with a fixed count, such as
// -benchtime 2000x, so both cases see the same requests.
func BenchmarkIntake(b *testing.B) {
	for _, pending := range []int{0, 10_000} {
		b.Run(fmt.Sprintf("pending=%d", pending), func(b *testing.B) {
			state := filepath.Join(b.TempDir(), "fcnotify.db")
			fillOutbox(b, state, pending)
			s := startOutageStackAt(b, state, "max_backlog: 100000")
			events, err := crashtest.Events(fixtureDir, b.N)
			if err != nil {
				b.Fatal(err)
			}
			client := &http.Client{Timeout: 10 * time.Second}
			responses := make([]time.Duration, 0, b.N)

			b.ResetTimer()
			for _, ev := range events {
				began := time.Now()
				status, err := postWith(client, s.url, ev.Body)
				responses = append(responses, time.Since(began))
				if err != nil || status != 200 {
					b.Fatalf("post: status %d, error %v", status, err)
				}
			}
			b.StopTimer()

			slices.Sort(responses)
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(responses[len(responses)/2]), "p50-ms")
			b.ReportMetric(ms(responses[len(responses)*99/100]), "p99-ms")
			b.ReportMetric(ms(responses[len(responses)-1]), "max-ms")
			b.ReportMetric(float64(pendingCount(b, s)), "outbox-pending")
		})
	}
}

// fillOutbox queues n pending messages, half for each channel of the
// outage stack, each about the size of a rendered alert.
func fillOutbox(tb testing.TB, path string, n int) {
	tb.Helper()
	st, err := store.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	if n == 0 {
		return
	}
	ctx := context.Background()
	id, _, err := st.Accept(ctx, store.InboxItem{Digest: "backlog", Body: []byte("{}"), Received: now})
	if err != nil {
		tb.Fatal(err)
	}
	msgs := make([]store.OutboxMessage, n)
	for i := range msgs {
		channel := []string{"ops", "devs"}[i%2]
		msgs[i] = store.OutboxMessage{
			Channel: channel, InboxID: id, Rule: "everything",
			Document: fmt.Sprintf("Site/site%d.example.com", i), Message: notifier.Message{
				Title: fmt.Sprintf("Site site%d.example.com is now Broken", i),
				Text:  strings.Repeat("The site stopped answering health checks. ", 4),
				Fields: []notifier.Field{
					{Name: "Team", Value: "team-7f3a", Inline: true},
					{Name: "Cluster", Value: "Frankfurt", Inline: true},
				},
				Color: "#e01e5a", Footer: "Site Status Update",
			},
		}
	}
	if _, err := st.Complete(ctx, store.Completion{InboxID: id, Messages: msgs, At: now}); err != nil {
		tb.Fatal(err)
	}
}

func pendingCount(tb testing.TB, s *outageStack) int {
	tb.Helper()
	msgs, err := s.srv.Store().Messages(context.Background(), store.MessageFilter{State: store.StatePending})
	if err != nil {
		tb.Fatal(err)
	}
	return len(msgs)
}
