package main

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestLatencyOf(t *testing.T) {
	ms := time.Millisecond
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(100-i) * ms
	}
	tests := []struct {
		name    string
		samples []time.Duration
		want    Latency
	}{
		{"empty", nil, Latency{}},
		{"one sample", []time.Duration{3 * ms}, Latency{Count: 1, P50: 3, P99: 3, Max: 3}},
		{"two samples", []time.Duration{4 * ms, 2 * ms}, Latency{Count: 2, P50: 2, P99: 4, Max: 4}},
		{"hundred samples", hundred, Latency{Count: 100, P50: 50, P99: 99, Max: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := latencyOf(tt.samples); got != tt.want {
				t.Errorf("latencyOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSummarizeLoad(t *testing.T) {
	start := testBase
	outcomes := []outcome{
		{seq: 0, token: "fcl000000000", start: start, latency: 2 * time.Millisecond, status: http.StatusOK, state: "accepted"},
		{seq: 1, token: "fcl000000001", start: start, latency: 4 * time.Millisecond, status: http.StatusOK, state: "accepted"},
		{seq: 2, token: "fcl000000002", start: start, latency: 9 * time.Millisecond, status: http.StatusOK, state: "duplicate"},
		{seq: 3, token: "fcl000000003", start: start, err: errors.New("connection refused")},
	}
	var r Report
	summarizeLoad(&r, outcomes, 2*time.Second)

	if r.Requests != 4 {
		t.Errorf("Requests = %d, want 4", r.Requests)
	}
	if r.Accepted != 2 {
		t.Errorf("Accepted = %d, want 2", r.Accepted)
	}
	if r.Failed != 2 {
		t.Errorf("Failed = %d, want 2", r.Failed)
	}
	if r.PerSecond != 1 {
		t.Errorf("PerSecond = %g, want 1", r.PerSecond)
	}
	if want := (Latency{Count: 2, P50: 2, P99: 4, Max: 4}); r.Response != want {
		t.Errorf("Response = %+v, want %+v", r.Response, want)
	}
	if want := `request 2: HTTP 200, status "duplicate"`; r.FirstError != want {
		t.Errorf("FirstError = %q, want %q", r.FirstError, want)
	}
}

func TestDeliveryOf(t *testing.T) {
	at := func(ms int) time.Time { return testBase.Add(time.Duration(ms) * time.Millisecond) }
	started := map[string]time.Time{
		"fcl000000001": at(0),
		"fcl000000002": at(1000),
		"fcl000000003": at(1500),
	}
	posts := []post{
		{platform: platformSlack, token: "fcl000000001", at: at(5)},
		{platform: platformSlack, token: "fcl000000002", at: at(1003)},
		{platform: platformSlack, token: "fcl000000002", at: at(1900)},
		{platform: platformSlack, token: "fcl000000009", at: at(1950)},
		{platform: platformDiscord, token: "fcl000000003", at: at(1600)},
	}

	slack := deliveryOf(platformSlack, started, posts, at(0))
	wantSlack := Delivery{
		Posted: 2, Lost: 1, Duplicates: 1, Unexpected: 1, PostsPerSecond: 2 / (1950 * time.Millisecond).Seconds(),
		Latency: Latency{Count: 2, P50: 3, P99: 5, Max: 5},
	}
	if slack != wantSlack {
		t.Errorf("slack = %+v, want %+v", slack, wantSlack)
	}

	discord := deliveryOf(platformDiscord, started, posts, at(0))
	wantDiscord := Delivery{
		Posted: 1, Lost: 2, PostsPerSecond: 1 / (1600 * time.Millisecond).Seconds(),
		Latency: Latency{Count: 1, P50: 100, P99: 100, Max: 100},
	}
	if discord != wantDiscord {
		t.Errorf("discord = %+v, want %+v", discord, wantDiscord)
	}
}

func TestWriteTable(t *testing.T) {
	r := Report{
		Mode: "closed", Concurrency: 64, Shards: 1, Sink: sinkChat,
		Requests: 10, Accepted: 10, Elapsed: 0.5, PerSecond: 20,
		Response: Latency{Count: 10, P50: 1.5, P99: 3.25, Max: 4},
		Drain:    1.25, Drained: true,
		Platforms: map[string]Delivery{
			platformSlack: {Posted: 10, PostsPerSecond: 5, Latency: Latency{Count: 10, P50: 2, P99: 7, Max: 8}},
		},
		PeakRSS: 30720,
	}
	var out bytes.Buffer
	if err := writeTable(&out, r); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"mode                closed loop, concurrency 64; chat sink, 1 channel(s) per platform",
		"requests            10 (10 accepted, 0 failed)",
		"accepted/s          20 over 0.50 s",
		"response time       p50 1.50 ms, p99 3.25 ms, max 4.00 ms",
		"slack request→post  p50 2.00 ms, p99 7.00 ms, max 8.00 ms",
		"slack delivery      10 posted, 0 lost, 0 duplicates, 0 unexpected, 5 posts/s",
		"drain               complete after 1.2 s",
		"server peak RSS     30.0 MiB",
		"",
	}, "\n")
	if out.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", out.String(), want)
	}
}
