package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// webhookSecret is the shared secret of the generated configuration.
const webhookSecret = "fcload-webhook-secret"

// outcome is the result of one webhook request.
type outcome struct {
	seq   int
	token string
	// start is when the request was due: when it was sent in a closed
	// loop, its slot in the schedule in an open loop, so a stalled
	// server shows in the latency instead of slowing the schedule.
	start   time.Time
	latency time.Duration
	status  int
	// state is the "status" member of the JSON response, such as
	// "accepted" or "duplicate".
	state string
	err   error
}

func (o outcome) accepted() bool { return o.status == http.StatusOK && o.state == "accepted" }

// limits ends a run after requests requests or at deadline, whichever
// comes first. A zero field sets no limit.
type limits struct {
	requests int
	deadline time.Time
}

func (l limits) done(seq int, now time.Time) bool {
	if l.requests > 0 && seq >= l.requests {
		return true
	}
	return !l.deadline.IsZero() && !now.Before(l.deadline)
}

// loader sends unique webhook bodies to one URL.
type loader struct {
	client *http.Client
	url    string
	events *eventSource
}

func newLoader(url string, events *eventSource, conns int) *loader {
	transport := &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &loader{
		client: &http.Client{Transport: transport, Timeout: 10 * time.Second},
		url:    url,
		events: events,
	}
}

// send posts req and reads the whole response. The latency is measured
// from start.
func (l *loader) send(ctx context.Context, req request, start time.Time) outcome {
	out := outcome{seq: req.seq, token: req.token, start: start}

	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, l.url, bytes.NewReader(req.body))
	if err != nil {
		out.err = err
		return out
	}
	httpReq.Header.Set("Content-Type", "application/json")
	httpReq.Header.Set("X-Webhook-Secret", webhookSecret)

	resp, err := l.client.Do(httpReq)
	if err != nil {
		out.latency, out.err = time.Since(start), err
		return out
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	out.latency, out.status, out.err = time.Since(start), resp.StatusCode, err

	var decoded struct {
		Status string `json:"status"`
	}
	if json.Unmarshal(body, &decoded) == nil {
		out.state = decoded.Status
	}
	return out
}

// runClosed keeps concurrency requests in flight: each worker sends its
// next request as soon as it has read the previous response.
func runClosed(ctx context.Context, l *loader, concurrency int, lim limits) []outcome {
	var next atomic.Int64
	results := make([][]outcome, concurrency)
	var wg sync.WaitGroup
	for w := range concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				seq := int(next.Add(1) - 1)
				if lim.done(seq, time.Now()) {
					return
				}
				req := l.events.build(seq)
				results[w] = append(results[w], l.send(ctx, req, time.Now()))
			}
		})
	}
	wg.Wait()
	return merge(results)
}

// runOpen starts rate requests per second on a fixed schedule, however
// slowly the server responds, each in its own goroutine.
func runOpen(ctx context.Context, l *loader, rate float64, lim limits) []outcome {
	interval := time.Duration(float64(time.Second) / rate)
	begin := time.Now()

	var mu sync.Mutex
	var results []outcome
	var wg sync.WaitGroup
	for seq := 0; ctx.Err() == nil; seq++ {
		due := begin.Add(time.Duration(seq) * interval)
		if lim.done(seq, due) {
			break
		}
		if !sleepUntil(ctx, due) {
			break
		}
		wg.Go(func() {
			out := l.send(ctx, l.events.build(seq), due)
			mu.Lock()
			results = append(results, out)
			mu.Unlock()
		})
	}
	wg.Wait()
	return results
}

// sleepUntil waits until t and returns false when ctx ends first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	wait := time.Until(t)
	if wait <= 0 {
		return true
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func merge(parts [][]outcome) []outcome {
	var all []outcome
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}
