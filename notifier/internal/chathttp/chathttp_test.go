package chathttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"", 0},
		{"2", 2 * time.Second},
		{" 7 ", 7 * time.Second},
		{"0.5", 500 * time.Millisecond},
		{"0", 0},
		{"-3", 0},
		{"NaN", 0},
		{"100000", 0},
		{"soon", 0},
		{"Wed, 01 May 2024 10:00:30 GMT", 30 * time.Second},
		{"Wed, 01 May 2024 09:59:00 GMT", 0},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			if got := RetryAfter(tt.value, now); got != tt.want {
				t.Errorf("RetryAfter(%q) = %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

func TestSeconds(t *testing.T) {
	tests := []struct {
		in   float64
		want time.Duration
	}{
		{1.25, 1250 * time.Millisecond},
		{0, 0},
		{-1, 0},
		{math.Inf(1), 0},
		{math.NaN(), 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.in), func(t *testing.T) {
			if got := Seconds(tt.in); got != tt.want {
				t.Errorf("Seconds(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestTransportReason(t *testing.T) {
	const secretURL = "https://hooks.example/services/T1/B1/s3cret"
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"timeout", &url.Error{Op: "Post", URL: secretURL, Err: context.DeadlineExceeded}, "post: timeout"},
		{"canceled", &url.Error{Op: "Post", URL: secretURL, Err: context.Canceled}, "post: canceled"},
		{"other", &url.Error{Op: "Patch", URL: secretURL, Err: errors.New("tls: bad certificate")}, "patch: tls: bad certificate"},
		{"inner quotes secret", &url.Error{Op: "Post", URL: secretURL, Err: fmt.Errorf("redirect to %s failed", secretURL)}, "post: redirect to [redacted] failed"},
		{"not a url error", fmt.Errorf("dial %s", secretURL), "dial [redacted]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TransportReason(tt.err, secretURL); got != tt.want {
				t.Errorf("TransportReason() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTransportReasonRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()

	_, err := http.Post(srv.URL+"/secret", "text/plain", strings.NewReader("x"))
	if err == nil {
		t.Fatal("Post() to a closed server succeeded")
	}
	if got := TransportReason(err); got != "post: connection refused" {
		t.Errorf("TransportReason() = %q, want %q", got, "post: connection refused")
	}
}

func TestObserve(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-RateLimit-Remaining", "4")
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "0123456789")
	}))
	defer srv.Close()

	client := Observe(srv.Client(), 4, "X-RateLimit-")
	ctx, ex := Track(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("Do() error = %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()

	if string(body) != "0123" {
		t.Errorf("caller read %q, want %q", body, "0123")
	}
	if got := resp.Header.Get("X-RateLimit-Remaining"); got != "" {
		t.Errorf("caller sees X-RateLimit-Remaining = %q, want it hidden", got)
	}
	if got := resp.Header.Get("Retry-After"); got != "1" {
		t.Errorf("caller sees Retry-After = %q, want 1", got)
	}
	if ex.Status != http.StatusTeapot {
		t.Errorf("Exchange.Status = %d, want %d", ex.Status, http.StatusTeapot)
	}
	if got := ex.Header.Get("X-RateLimit-Remaining"); got != "4" {
		t.Errorf("Exchange header X-RateLimit-Remaining = %q, want 4", got)
	}
	if string(ex.Body) != "0123" {
		t.Errorf("Exchange.Body = %q, want %q", ex.Body, "0123")
	}
}
