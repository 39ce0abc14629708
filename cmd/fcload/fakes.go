package main

import (
	"bufio"
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
)

// Platform names as the report shows them.
const (
	platformSlack   = "slack"
	platformDiscord = "discord"
	platformConsole = "console"
)

// fakeTB lets the chatfake servers, which are built for tests, run in
// this command. It stores the cleanups that the fakes register and runs
// them in close.
//
// NOTE: the embedded testing.TB is nil, so a chatfake constructor that
// calls anything but Helper and Cleanup panics here.
type fakeTB struct {
	testing.TB
	cleanups []func()
}

func (t *fakeTB) Helper() {}

func (t *fakeTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }

func (t *fakeTB) close() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// sink is the destination of the server's posts.
type sink interface {
	// platforms names the destinations the rules post every event to.
	platforms() []string
	// collect returns the posts that arrived since the last call.
	collect() []post
	close()
}

// post is one message that carried a request token.
type post struct {
	platform string
	token    string
	at       time.Time
}

// chatFakes are a fake Slack and a fake Discord on loopback, without rate
// limits: the server paces itself, and the fakes only record the posts.
type chatFakes struct {
	tb      *fakeTB
	slack   *chatfake.Slack
	discord *chatfake.Discord
	read    map[string]int // requests of each platform already collected
}

func startChatFakes() *chatFakes {
	tb := &fakeTB{}
	return &chatFakes{
		tb:      tb,
		slack:   chatfake.NewSlack(tb),
		discord: chatfake.NewDiscord(tb),
		read:    map[string]int{},
	}
}

func (f *chatFakes) platforms() []string { return []string{platformDiscord, platformSlack} }

func (f *chatFakes) close() { f.tb.close() }

// collect turns the requests recorded since the last call into posts,
// one per token and request even when a message repeats its token in a
// title and a link. The time of a post is when the fake received it.
func (f *chatFakes) collect() []post {
	var out []post
	for platform, requests := range map[string]func() []chatfake.Request{
		platformSlack: f.slack.Requests, platformDiscord: f.discord.Requests,
	} {
		all := requests()
		for _, r := range all[f.read[platform]:] {
			for _, tok := range tokensIn(r.Body) {
				out = append(out, post{platform: platform, token: tok, at: r.Time})
			}
		}
		f.read[platform] = len(all)
	}
	return out
}

// consoleSink reads the server's standard output, where console
// channels write each message as a block of lines ended by a blank line.
type consoleSink struct {
	mu      sync.Mutex
	pending []post
	done    chan struct{}
}

// startConsoleSink reads blocks from r until it ends. A message whose
// text contains a blank line splits into two blocks, so its token could
// count twice; the fixtures render no such text.
func startConsoleSink(r io.Reader) *consoleSink {
	c := &consoleSink{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		scanner := bufio.NewScanner(r)
		scanner.Buffer(make([]byte, 64<<10), 1<<20)
		var block []byte
		for scanner.Scan() {
			if len(scanner.Bytes()) > 0 {
				block = append(append(block, scanner.Bytes()...), '\n')
				continue
			}
			c.add(tokensIn(block), time.Now())
			block = block[:0]
		}
		// A scan error leaves bytes unread: discard them so the server
		// does not block on a full pipe.
		_, _ = io.Copy(io.Discard, r)
	}()
	return c
}

func (c *consoleSink) add(tokens []string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tok := range tokens {
		c.pending = append(c.pending, post{platform: platformConsole, token: tok, at: at})
	}
}

func (c *consoleSink) platforms() []string { return []string{platformConsole} }

func (c *consoleSink) collect() []post {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.pending
	c.pending = nil
	return out
}

// close waits until the server has closed its standard output.
func (c *consoleSink) close() { <-c.done }

// waitDelivered collects posts until every token of want has reached
// every platform of s, or until timeout. It returns all posts collected
// and whether everything arrived.
func waitDelivered(ctx context.Context, s sink, want map[string]bool, timeout time.Duration) ([]post, bool) {
	var all []post
	seen := map[string]bool{}
	needed := len(want) * len(s.platforms())

	deadline := time.Now().Add(timeout)
	for {
		for _, p := range s.collect() {
			all = append(all, p)
			if want[p.token] {
				seen[p.platform+" "+p.token] = true
			}
		}
		if len(seen) == needed {
			return all, true
		}
		if !time.Now().Before(deadline) || !sleepUntil(ctx, time.Now().Add(100*time.Millisecond)) {
			return all, false
		}
	}
}

// tokensIn returns the distinct request tokens in a message.
func tokensIn(body []byte) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range tokenPattern.FindAll(body, -1) {
		tok := string(m)
		if !seen[tok] {
			seen[tok] = true
			out = append(out, tok)
		}
	}
	return out
}
