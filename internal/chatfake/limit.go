package chatfake

import (
	"math"
	"sync"
	"time"
)

// tokenBucket allows burst requests at once and then one per interval,
// per key. It models Slack's "about one message per second per channel,
// with short bursts allowed".
type tokenBucket struct {
	burst    float64
	interval time.Duration

	mu      sync.Mutex
	buckets map[string]*bucketState
}

type bucketState struct {
	tokens float64
	last   time.Time
}

func newTokenBucket(burst int, interval time.Duration) *tokenBucket {
	return &tokenBucket{burst: float64(burst), interval: interval, buckets: make(map[string]*bucketState)}
}

// take spends a token of key at now. When none is left it returns false
// and the wait until the next token.
func (b *tokenBucket) take(key string, now time.Time) (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()

	state, ok := b.buckets[key]
	if !ok {
		state = &bucketState{tokens: b.burst, last: now}
		b.buckets[key] = state
	}
	if elapsed := now.Sub(state.last); elapsed > 0 {
		state.tokens = math.Min(b.burst, state.tokens+float64(elapsed)/float64(b.interval))
		state.last = now
	}

	if state.tokens < 1 {
		return false, time.Duration((1 - state.tokens) * float64(b.interval))
	}
	state.tokens--
	return true, 0
}

// fixedWindow allows limit requests per window per key, the window
// starting with the first request after the last one ended. It models
// Discord's per-webhook bucket.
type fixedWindow struct {
	limit  int
	window time.Duration

	mu      sync.Mutex
	windows map[string]*windowState
}

type windowState struct {
	start time.Time
	count int
}

// windowResult is a fixedWindow's decision on one request, in the terms
// of Discord's X-RateLimit headers.
type windowResult struct {
	allowed    bool
	remaining  int
	resetAfter time.Duration
	resetAt    time.Time
}

func newFixedWindow(limit int, window time.Duration) *fixedWindow {
	return &fixedWindow{limit: limit, window: window, windows: make(map[string]*windowState)}
}

func (f *fixedWindow) take(key string, now time.Time) windowResult {
	f.mu.Lock()
	defer f.mu.Unlock()

	state, ok := f.windows[key]
	if !ok || !now.Before(state.start.Add(f.window)) {
		state = &windowState{start: now}
		f.windows[key] = state
	}
	resetAt := state.start.Add(f.window)
	result := windowResult{resetAfter: resetAt.Sub(now), resetAt: resetAt}
	if state.count >= f.limit {
		return result
	}

	state.count++
	result.allowed = true
	result.remaining = f.limit - state.count
	return result
}
