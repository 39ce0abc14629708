// Package chathttp contains the HTTP plumbing that the Slack and Discord
// senders share. It provides a default client and a transport that lets a
// sender see the response a chat library received. It also parses
// Retry-After and reduces transport errors to text without the URL.
package chathttp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DefaultTimeout bounds one request of the default client, including
// reading the response body.
const DefaultTimeout = 10 * time.Second

// DefaultClient returns a new client with DefaultTimeout.
func DefaultClient() *http.Client {
	return &http.Client{Timeout: DefaultTimeout}
}

// Exchange is the response of the last HTTP round trip made with a
// context from Track. Status is 0 when no response arrived. Body contains
// the bytes that the caller of the client read from the response.
type Exchange struct {
	Status int
	Header http.Header
	Body   []byte
}

type exchangeKey struct{}

// Track returns a context that makes an Observe client record its
// response into the returned Exchange. The Exchange belongs to one call:
// read it after the request returned, from the same goroutine.
func Track(ctx context.Context) (context.Context, *Exchange) {
	ex := &Exchange{}
	return context.WithValue(ctx, exchangeKey{}, ex), ex
}

// Observe returns a copy of client whose transport records each response
// into the Exchange of the request's context (see Track). Callers of the
// copy read at most maxBody bytes of a response body, and do not see the
// headers whose canonical name starts with hidePrefix. The Exchange keeps
// every header. An empty hidePrefix hides nothing.
func Observe(client *http.Client, maxBody int64, hidePrefix string) *http.Client {
	observed := *client
	base := client.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	observed.Transport = &observingTransport{
		base:       base,
		maxBody:    maxBody,
		hidePrefix: http.CanonicalHeaderKey(hidePrefix),
	}
	return &observed
}

type observingTransport struct {
	base       http.RoundTripper
	maxBody    int64
	hidePrefix string
}

func (t *observingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}

	ex, _ := req.Context().Value(exchangeKey{}).(*Exchange)
	if ex != nil {
		ex.Status = resp.StatusCode
		ex.Header = resp.Header
		ex.Body = nil
	}
	if t.hidePrefix != "" {
		resp.Header = withoutPrefix(resp.Header, t.hidePrefix)
	}
	resp.Body = &recordingBody{
		limited: io.LimitReader(resp.Body, t.maxBody),
		closer:  resp.Body,
		ex:      ex,
	}
	return resp, nil
}

func withoutPrefix(header http.Header, prefix string) http.Header {
	kept := make(http.Header, len(header))
	for name, values := range header {
		if !strings.HasPrefix(name, prefix) {
			kept[name] = values
		}
	}
	return kept
}

// recordingBody copies what the caller reads into the Exchange.
type recordingBody struct {
	limited io.Reader
	closer  io.Closer
	ex      *Exchange
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.limited.Read(p)
	if b.ex != nil {
		b.ex.Body = append(b.ex.Body, p[:n]...)
	}
	return n, err
}

func (b *recordingBody) Close() error { return b.closer.Close() }

// ReadBody reads at most max bytes of r. A read error after some bytes
// still returns those bytes.
func ReadBody(r io.Reader, max int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, max))
}

// RetryAfter returns the wait that a Retry-After header value requests: a
// number of seconds (decimals allowed) or an HTTP date, measured from now.
// It returns 0 for an empty, unreadable, negative or past value, and for
// a number of seconds over a day.
func RetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if seconds, err := strconv.ParseFloat(value, 64); err == nil {
		return Seconds(seconds)
	}
	if at, err := http.ParseTime(value); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}

// Seconds converts a number of seconds to a duration. It returns 0 for a
// negative or NaN value and for one over a day, which no chat platform
// plausibly means.
func Seconds(seconds float64) time.Duration {
	const maxSeconds = 24 * 60 * 60
	if !(seconds > 0) || seconds > maxSeconds {
		return 0
	}
	return time.Duration(seconds * float64(time.Second))
}

// TransportReason describes an error of http.Client.Do without the
// request URL: "post: timeout", "post: connection refused", or the
// method and the inner error. Every secret in secrets is also replaced by
// "[redacted]", in case the inner error quotes it.
func TransportReason(err error, secrets ...string) string {
	var urlErr *url.Error
	if !errors.As(err, &urlErr) {
		return redact(err.Error(), secrets)
	}

	op := strings.ToLower(urlErr.Op)
	switch {
	case urlErr.Timeout():
		return op + ": timeout"
	case errors.Is(urlErr.Err, context.Canceled):
		return op + ": canceled"
	case errors.Is(urlErr.Err, syscall.ECONNREFUSED):
		return op + ": connection refused"
	case errors.Is(urlErr.Err, syscall.ECONNRESET):
		return op + ": connection reset"
	}
	return op + ": " + redact(urlErr.Err.Error(), secrets)
}

func redact(text string, secrets []string) string {
	for _, secret := range secrets {
		if secret != "" {
			text = strings.ReplaceAll(text, secret, "[redacted]")
		}
	}
	return text
}
