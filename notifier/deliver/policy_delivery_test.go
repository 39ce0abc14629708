package deliver

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
)

func TestPolicyDecide(t *testing.T) {
	policy := Policy{
		InitialBackoff: time.Second, MaxBackoff: 5 * time.Minute, MaxAge: 24 * time.Hour,
		Jitter: func() float64 { return 1 },
	}
	final := &notifier.SendError{Class: notifier.ClassFinal, Status: 404, Code: "10015"}
	tests := []struct {
		name     string
		err      error
		attempts int
		age      time.Duration
		want     Decision
	}{
		{"transient first retry", transient(500), 1, 0, Decision{Retry: true, Wait: time.Second}},
		{"transient doubles", transient(503), 4, 0, Decision{Retry: true, Wait: 8 * time.Second}},
		{"transient capped at max backoff", transient(502), 30, 0, Decision{Retry: true, Wait: 5 * time.Minute}},
		{"error of another type counts as transient", errors.New("boom"), 2, 0, Decision{Retry: true, Wait: 2 * time.Second}},
		{"wrapped send error keeps its class", fmt.Errorf("send: %w", final), 1, 0, Decision{Dead: true}},
		{
			"429 waits Retry-After without jitter", rateLimited(7*time.Second, false), 3, 0,
			Decision{Retry: true, Wait: 7 * time.Second},
		},
		{"429 without Retry-After backs off", rateLimited(0, false), 3, 0, Decision{Retry: true, Wait: 4 * time.Second}},
		{
			"global 429 pauses the platform", rateLimited(3*time.Second, true), 1, 0,
			Decision{Retry: true, Wait: 3 * time.Second, Pause: 3 * time.Second},
		},
		{
			"global 429 without a wait pauses for the backoff", rateLimited(0, true), 2, 0,
			Decision{Retry: true, Wait: 2 * time.Second, Pause: 2 * time.Second},
		},
		{"final is dead at once", final, 1, 0, Decision{Dead: true}},
		{"retry past max age is dead", transient(500), 10, 24*time.Hour - time.Minute, Decision{Dead: true}},
		{"retry inside max age goes on", transient(500), 1, 24*time.Hour - time.Minute, Decision{Retry: true, Wait: time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := policy.Decide(tt.err, tt.attempts, tt.age); got != tt.want {
				t.Errorf("Decide = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPolicyBackoffJitterRange(t *testing.T) {
	tests := []struct {
		name     string
		jitter   float64
		attempts int
		want     time.Duration
	}{
		{"lowest jitter is half the delay", 0, 1, 500 * time.Millisecond},
		{"middle jitter", 0.5, 3, 3 * time.Second},
		{"lowest jitter at the cap", 0, 20, 150 * time.Second},
		{"highest jitter stays under the cap", 0.999, 20, 299850 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Policy{
				InitialBackoff: time.Second, MaxBackoff: 5 * time.Minute,
				Jitter: func() float64 { return tt.jitter },
			}
			if got := p.backoff(tt.attempts); got != tt.want {
				t.Errorf("backoff(%d) = %v, want %v", tt.attempts, got, tt.want)
			}
		})
	}
}
