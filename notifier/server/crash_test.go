package server

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/internal/crashtest"
)

const (
	crashEvents  = 2000
	crashKills   = 6
	crashPosters = 8
)

// crashChannel is one destination of the crash test: the rule that sends
// it the events whose token ends in one of digits, and its fake.
type crashChannel struct {
	name   string
	digits string
	fake   interface{ Bodies() [][]byte }
}

// crashConfig returns a configuration that spreads events over channels
// by the last digit of their token, with a pace far above the platforms'
// so the run stays short.
func crashConfig(addr, state string, slackA, slackB *chatfake.Slack, dc *chatfake.Discord) string {
	return fmt.Sprintf(`listen: %q
webhook:
  secrets: [{value: s3cret}]
state: {path: %q}
channels:
  slack-a:
    slack: {webhook_url: %q}
    pace: [{count: 500, per: 1s}]
  slack-b:
    slack: {webhook_url: %q}
    pace: [{count: 500, per: 1s}]
  discord:
    discord: {webhook_url: %q}
    pace: [{count: 500, per: 1s}]
rules:
  - name: shard-a
    match: {event: "*", repeats: true, fields: {name: {regex: "[0369]$"}}}
    notify: [slack-a]
  - name: shard-b
    match: {event: "*", repeats: true, fields: {name: {regex: "[147]$"}}}
    notify: [slack-b]
  - name: shard-c
    match: {event: "*", repeats: true, fields: {name: {regex: "[258]$"}}}
    notify: [discord]
`, addr, state, slackA.WebhookURL(), slackB.WebhookURL(), dc.WebhookURL())
}

// TestCrashLosesNoAcceptedEvent posts events while killing the server with
// SIGKILL at random moments and restarting it on the same state file.
// Every event that got a 200 must reach its channel, and each kill may
// cause at most one duplicate per channel: the message in flight.
func TestCrashLosesNoAcceptedEvent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs for about half a minute")
	}
	began := time.Now()
	slackA, slackB, dc := chatfake.NewSlack(t), chatfake.NewSlack(t), chatfake.NewDiscord(t)
	channels := []crashChannel{{"slack-a", "0369", slackA}, {"slack-b", "147", slackB}, {"discord", "258", dc}}
	dir := t.TempDir()
	addr := crashtest.FreeAddress(t)
	config := filepath.Join(dir, "fcnotify.yaml")
	err := os.WriteFile(config, []byte(crashConfig(addr, filepath.Join(dir, "fcnotify.db"), slackA, slackB, dc)), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	events, err := crashtest.Events(fixtureDir, crashEvents)
	if err != nil {
		t.Fatal(err)
	}
	bin := crashtest.Build(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))

	p := crashtest.Start(t, bin, config, addr)
	posting := postAll(p.URL(), events)

	// Kill at random moments while events arrive and while they are
	// delivered, restarting on the same state file each time.
	secrets := []string{slackA.WebhookURL(), slackB.WebhookURL(), dc.WebhookURL(), slackA.WebhookSecret(), dc.WebhookToken()}
	for i := range crashKills {
		time.Sleep(time.Duration(100+rng.IntN(600)) * time.Millisecond)
		p.Kill()
		t.Logf("kill %d: %d events accepted, %d chat requests so far", i+1, posting.accepted.Load(),
			requests(channels))
		checkLogSecrets(t, p.Log(), secrets)
		p = crashtest.Start(t, bin, config, addr)
	}
	accepted := posting.wait()
	if accepted != crashEvents {
		t.Fatalf("events that got a 200 = %d, want %d", accepted, crashEvents)
	}

	deadline := time.Now().Add(45 * time.Second)
	for !allDelivered(channels, events) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code, err := p.Wait(15 * time.Second); err != nil || code != 0 {
		t.Errorf("final run: exit code %d, error %v", code, err)
	}
	checkLogSecrets(t, p.Log(), secrets)

	delivered, duplicates := 0, 0
	for _, ch := range channels {
		counts := tokenCounts(ch.fake.Bodies())
		missing, extra := 0, 0
		for _, ev := range events {
			n := counts[ev.Token]
			if !ch.owns(ev.Token) {
				if n > 0 {
					t.Errorf("channel %s received %s, which another channel owns", ch.name, ev.Token)
				}
				continue
			}
			if n == 0 {
				missing++
				continue
			}
			delivered++
			extra += n - 1
		}
		duplicates += extra
		t.Logf("channel %s: %d duplicates, %d missing", ch.name, extra, missing)
		if missing > 0 {
			t.Errorf("channel %s lost %d accepted events", ch.name, missing)
		}
		if extra > crashKills {
			t.Errorf("channel %s has %d duplicates, more than one per kill (%d kills)", ch.name, extra, crashKills)
		}
	}
	t.Logf("%d of %d accepted events delivered, %d duplicates, %d kills, %v", delivered, accepted,
		duplicates, crashKills, time.Since(began).Round(time.Millisecond))
}

func (c crashChannel) owns(token string) bool {
	last := token[len(token)-1]
	for i := range len(c.digits) {
		if c.digits[i] == last {
			return true
		}
	}
	return false
}

// posting is a set of posters that send every event until it gets a 200,
// through refused connections and restarts.
type posting struct {
	wg       sync.WaitGroup
	accepted atomic.Int64
}

func postAll(base string, events []crashtest.Event) *posting {
	p := &posting{}
	next := make(chan crashtest.Event)
	go func() {
		for _, ev := range events {
			next <- ev
		}
		close(next)
	}()
	for range crashPosters {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for ev := range next {
				if postUntilAccepted(base, ev.Body) {
					p.accepted.Add(1)
				}
			}
		}()
	}
	return p
}

// wait returns the number of events that got a 200 once every poster is
// done.
func (p *posting) wait() int {
	p.wg.Wait()
	return int(p.accepted.Load())
}

// postUntilAccepted posts body until the server responds 200, as Frappe
// Cloud retries a failed delivery, and gives up after a minute.
func postUntilAccepted(base string, body []byte) bool {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if status, err := post(base, body); err == nil && status == 200 {
			return true
		}
		// The server is down or restarting: try again shortly.
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// tokenCounts returns how many requests carried each event token.
func tokenCounts(bodies [][]byte) map[string]int {
	counts := map[string]int{}
	for _, body := range bodies {
		if token := crashtest.TokenPattern.Find(body); token != nil {
			counts[string(token)]++
		}
	}
	return counts
}

func allDelivered(channels []crashChannel, events []crashtest.Event) bool {
	seen := map[string]bool{}
	for _, ch := range channels {
		for token := range tokenCounts(ch.fake.Bodies()) {
			seen[token] = true
		}
	}
	for _, ev := range events {
		if !seen[ev.Token] {
			return false
		}
	}
	return true
}

// requests returns the number of requests the fakes of channels received.
func requests(channels []crashChannel) int {
	n := 0
	for _, ch := range channels {
		n += len(ch.fake.Bodies())
	}
	return n
}

// checkLogSecrets fails the test when a secret appears in a server log.
func checkLogSecrets(t *testing.T, log string, secrets []string) {
	t.Helper()
	for _, secret := range secrets {
		if strings.Contains(log, secret) {
			t.Errorf("secret %q appears in the server log", secret)
		}
	}
}
