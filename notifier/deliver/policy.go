package deliver

import (
	"errors"
	"math/rand/v2"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
)

// Policy decides what happens after a failed send. It is the one place
// where fcnotify's retry rules live.
type Policy struct {
	// InitialBackoff is the delay before the first retry of a transient
	// failure; each later retry doubles it, up to MaxBackoff.
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// MaxAge is how long a message may keep failing before it is
	// dead-lettered, measured from when it was queued.
	MaxAge time.Duration
	// Jitter returns a number in [0, 1); nil uses math/rand.
	Jitter func() float64
}

// Decision is the next step for a message after a failed send.
type Decision struct {
	// Retry is false when the message is done: delivered or dead.
	Retry bool
	// Dead is true when the message moves to the dead-letter state.
	Dead bool
	// Wait is the delay before the next attempt.
	Wait time.Duration
	// Pause is set when the platform's global rate limit was hit: every
	// channel of the platform waits that long.
	Pause time.Duration
}

// Decide returns what to do after attempt number attempts (1 for the
// first) failed with err, for a message queued age ago.
func (p Policy) Decide(err error, attempts int, age time.Duration) Decision {
	class := notifier.ClassOf(err)
	if class == notifier.ClassFinal {
		return Decision{Dead: true}
	}

	wait := p.backoff(attempts)
	var pause time.Duration
	var se *notifier.SendError
	if errors.As(err, &se) && class == notifier.ClassRateLimited {
		if se.RetryAfter > 0 {
			// A usable Retry-After is the wait the platform requested:
			// wait exactly that, with no jitter, because waiting less
			// earns another 429.
			wait = se.RetryAfter
		}
		if se.Global {
			// The global limit counts every request of the platform, so
			// every channel of it waits, with the backoff when the
			// platform named no wait.
			pause = wait
		}
	}

	if p.MaxAge > 0 && age+wait > p.MaxAge {
		return Decision{Dead: true}
	}
	return Decision{Retry: true, Wait: wait, Pause: pause}
}

// backoff returns the jittered delay before retry number attempts: a
// random point in the upper half of the capped exponential delay, so
// retries of many channels spread out but never come early.
func (p Policy) backoff(attempts int) time.Duration {
	d := p.InitialBackoff
	for i := 1; i < attempts && d < p.MaxBackoff; i++ {
		d *= 2
	}
	if d > p.MaxBackoff {
		d = p.MaxBackoff
	}

	jitter := p.Jitter
	if jitter == nil {
		jitter = rand.Float64
	}
	half := d / 2
	return half + time.Duration(jitter()*float64(d-half))
}
