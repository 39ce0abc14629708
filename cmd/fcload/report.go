package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Latency is a latency distribution in milliseconds.
type Latency struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// Delivery counts the posts that reached one platform.
type Delivery struct {
	// Posted counts accepted requests whose token reached the platform.
	Posted int `json:"posted"`
	// Lost counts accepted requests never posted before the drain
	// timeout ended.
	Lost int `json:"lost"`
	// Duplicates counts posts beyond the first for the same request.
	Duplicates int `json:"duplicates"`
	// Unexpected counts tokens posted for requests without an
	// "accepted" response, such as a request that timed out after commit.
	Unexpected int `json:"unexpected"`
	// PostsPerSecond is Posted over the time from the first request to
	// the last post: the sustained processing and delivery rate.
	PostsPerSecond float64 `json:"posts_per_second"`
	// Latency runs from request start to the post's arrival at the fake.
	Latency Latency `json:"request_to_post"`
}

// Report is the result of one run.
type Report struct {
	Mode        string  `json:"mode"`
	Concurrency int     `json:"concurrency,omitempty"`
	Rate        float64 `json:"rate,omitempty"`
	Shards      int     `json:"channels_per_platform"`
	Sink        string  `json:"sink"`

	Requests   int     `json:"requests"`
	Accepted   int     `json:"accepted"`
	Failed     int     `json:"failed"`
	Elapsed    float64 `json:"elapsed_s"`
	PerSecond  float64 `json:"accepted_per_second"`
	Response   Latency `json:"response"`
	FirstError string  `json:"first_error,omitempty"`

	// Drain is how long the run waited for posts after the last
	// response. Drained reports whether every accepted request was
	// posted by then.
	Drain     float64             `json:"drain_s"`
	Drained   bool                `json:"drained"`
	Platforms map[string]Delivery `json:"platforms,omitempty"`
	PeakRSS   int64               `json:"peak_rss_kib"`
}

// summarizeLoad fills in the request side of r from the outcomes of a
// run that took elapsed.
func summarizeLoad(r *Report, outcomes []outcome, elapsed time.Duration) {
	var responses []time.Duration
	for _, o := range outcomes {
		if !o.accepted() {
			r.Failed++
			if r.FirstError == "" {
				r.FirstError = describeFailure(o)
			}
			continue
		}
		r.Accepted++
		responses = append(responses, o.latency)
	}
	r.Requests = len(outcomes)
	r.Elapsed = elapsed.Seconds()
	r.PerSecond = float64(r.Accepted) / elapsed.Seconds()
	r.Response = latencyOf(responses)
}

func describeFailure(o outcome) string {
	if o.err != nil {
		return fmt.Sprintf("request %d: %v", o.seq, o.err)
	}
	return fmt.Sprintf("request %d: HTTP %d, status %q", o.seq, o.status, o.state)
}

// summarizePosts fills in one Delivery per platform from the posts the
// fakes recorded.
func summarizePosts(r *Report, outcomes []outcome, posts []post, platforms []string) {
	started := map[string]time.Time{}
	var first time.Time
	for _, o := range outcomes {
		if o.accepted() {
			started[o.token] = o.start
		}
		if first.IsZero() || o.start.Before(first) {
			first = o.start
		}
	}

	r.Platforms = map[string]Delivery{}
	for _, platform := range platforms {
		r.Platforms[platform] = deliveryOf(platform, started, posts, first)
	}
}

func deliveryOf(platform string, started map[string]time.Time, posts []post, first time.Time) Delivery {
	var d Delivery
	arrived := map[string]time.Time{}
	var latencies []time.Duration
	var last time.Time
	for _, p := range posts {
		if p.platform != platform {
			continue
		}
		start, ok := started[p.token]
		switch {
		case !ok:
			d.Unexpected++
		case !arrived[p.token].IsZero():
			d.Duplicates++
		default:
			arrived[p.token] = p.at
			latencies = append(latencies, p.at.Sub(start))
		}
		if p.at.After(last) {
			last = p.at
		}
	}

	d.Posted = len(arrived)
	d.Lost = len(started) - d.Posted
	d.Latency = latencyOf(latencies)
	if span := last.Sub(first); d.Posted > 0 && span > 0 {
		d.PostsPerSecond = float64(d.Posted) / span.Seconds()
	}
	return d
}

// latencyOf returns nearest-rank percentiles of samples.
func latencyOf(samples []time.Duration) Latency {
	if len(samples) == 0 {
		return Latency{}
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	rank := func(p float64) float64 {
		i := int(math.Ceil(float64(len(sorted))*p)) - 1
		return milliseconds(sorted[max(0, min(i, len(sorted)-1))])
	}
	return Latency{Count: len(sorted), P50: rank(0.50), P99: rank(0.99), Max: milliseconds(sorted[len(sorted)-1])}
}

func milliseconds(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// writeJSON prints r as one indented JSON object.
func writeJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeTable prints r as an aligned two-column table.
func writeTable(w io.Writer, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(name, format string, args ...any) {
		fmt.Fprintf(tw, "%s\t"+format+"\n", append([]any{name}, args...)...)
	}

	row("mode", "%s", describeMode(r))
	row("requests", "%d (%d accepted, %d failed)", r.Requests, r.Accepted, r.Failed)
	if r.FirstError != "" {
		row("first failure", "%s", r.FirstError)
	}
	row("accepted/s", "%.0f over %.2f s", r.PerSecond, r.Elapsed)
	row("response time", "%s", formatLatency(r.Response))

	names := make([]string, 0, len(r.Platforms))
	for name := range r.Platforms {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		d := r.Platforms[name]
		row(name+" request→post", "%s", formatLatency(d.Latency))
		row(name+" delivery", "%d posted, %d lost, %d duplicates, %d unexpected, %.0f posts/s",
			d.Posted, d.Lost, d.Duplicates, d.Unexpected, d.PostsPerSecond)
	}
	if len(names) > 0 {
		row("drain", "%s after %.1f s", map[bool]string{true: "complete", false: "incomplete"}[r.Drained], r.Drain)
	}
	row("server peak RSS", "%.1f MiB", float64(r.PeakRSS)/1024)
	return tw.Flush()
}

func describeMode(r Report) string {
	var mode string
	if r.Mode == "open" {
		mode = fmt.Sprintf("open loop at %g requests/s", r.Rate)
	} else {
		mode = fmt.Sprintf("closed loop, concurrency %d", r.Concurrency)
	}
	return fmt.Sprintf("%s; %s sink, %d channel(s) per platform", mode, r.Sink, r.Shards)
}

func formatLatency(l Latency) string {
	if l.Count == 0 {
		return "no samples"
	}
	return strings.Join([]string{
		fmt.Sprintf("p50 %.2f ms", l.P50),
		fmt.Sprintf("p99 %.2f ms", l.P99),
		fmt.Sprintf("max %.2f ms", l.Max),
	}, ", ")
}
