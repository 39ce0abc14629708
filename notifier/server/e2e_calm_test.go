package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/internal/fakeclock"
	"github.com/fcnotify/fcnotify/internal/fcevents"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/store"
)

const calmBotToken = "xoxb-3333-4444-calmBotTokenSecret"

// calmConfig has four channels on the two fakes: ops posts with a Slack
// bot, hook with a Slack incoming webhook, devs with a Discord webhook
// and bots with a Discord bot.
func calmConfig(sl *chatfake.Slack, dc *chatfake.Discord, state, extra string) string {
	return fmt.Sprintf(`
webhook:
  secrets:
    - value: s3cret
state:
  path: %s
delivery:
  shutdown_grace: 1s
channels:
  ops:
    slack: {token: %q, channel: C0CALM, api_url: %q}
  hook:
    slack: {webhook_url: %q}
  devs:
    discord: {webhook_url: %q}
  bots:
    discord: {token: %q, channel_id: %q, api_url: %q}
%s`, state, calmBotToken, sl.APIURL(), sl.WebhookURL(), dc.WebhookURL(),
		calmBotToken, dc.ChannelID(), dc.APIURL(), extra)
}

// startCalmStack starts a server with calmConfig. state, slack and
// discord reuse an earlier stack's store and fakes when set, and the
// clock starts at start.
func startCalmStack(t *testing.T, extra, state string, sl *chatfake.Slack, dc *chatfake.Discord, start time.Time) *stack {
	t.Helper()
	if sl == nil {
		sl = chatfake.NewSlack(t)
	}
	if dc == nil {
		dc = chatfake.NewDiscord(t)
	}
	if state == "" {
		state = filepath.Join(t.TempDir(), "fcnotify.db")
	}
	cfg, err := config.Parse([]byte(calmConfig(sl, dc, state, extra)), "calm.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return runStack(t, cfg, state, sl, dc, start)
}

// runStack starts a server for cfg on loopback with a fake clock.
func runStack(t *testing.T, cfg *config.Config, state string, sl *chatfake.Slack, dc *chatfake.Discord, start time.Time) *stack {
	t.Helper()
	clock := fakeclock.New(start)
	logs := &lockedWriter{}
	srv, err := New(cfg, Options{
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
		Clock:  clock, Console: io.Discard, Jitter: func() float64 { return 1 },
	})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()

	st := &stack{
		t: t, url: "http://" + ln.Addr().String(), slack: sl, discord: dc, clock: clock,
		srv: srv, logs: logs, state: state,
	}
	stopped := false
	st.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v", err)
		}
	}
	t.Cleanup(st.stop)
	return st
}

// metrics returns the text of GET /metrics.
func (s *stack) metrics() string {
	s.t.Helper()
	resp, err := http.Get(s.url + "/metrics")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// send posts a body and waits until it is processed and delivered.
func (s *stack) send(body []byte) {
	s.t.Helper()
	if status, resp := s.post(string(body)); status != 200 {
		s.t.Fatalf("post: %d %s", status, resp)
	}
	s.settle()
}

// pass moves the clock on by d, in one step, and waits until what was
// released is delivered.
func (s *stack) pass(d time.Duration) {
	s.t.Helper()
	s.clock.Advance(d)
	s.waitReleased()
	s.settle()
}

// waitReleased waits until the releaser has released every held row
// that is due.
func (s *stack) waitReleased() {
	s.t.Helper()
	waitFor(s.t, "due held messages to be released", func() bool {
		// The releaser may have read the clock just before it moved.
		s.srv.processor.WakeReleaser()
		next, found, err := s.srv.store.NextDue(context.Background())
		if err != nil {
			s.t.Fatal(err)
		}
		return !found || next.After(s.clock.Now())
	})
}

// slackCalls returns the Slack Web API calls as "method title", where the
// title is the message's fallback text.
func slackCalls(t *testing.T, fake *chatfake.Slack) []string {
	t.Helper()
	var out []string
	for _, r := range fake.Requests() {
		if !strings.HasPrefix(r.Path, "/api/") {
			out = append(out, "webhook "+webhookText(t, r))
			continue
		}
		form, err := url.ParseQuery(string(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.TrimPrefix(r.Path, "/api/")+" "+form.Get("text"))
	}
	return out
}

func webhookText(t *testing.T, r chatfake.Request) string {
	t.Helper()
	got := titles(t, []chatfake.Request{r})
	return got[0]
}

func checkCalls(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s =\n%s\nwant\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// e2eStart is a Tuesday noon in UTC.
var e2eStart = time.Date(2026, 8, 25, 12, 0, 0, 0, time.UTC)

func TestCalmDeployOfTwelveBenchesGroupsPerStatus(t *testing.T) {
	s := startCalmStack(t, `
rules:
  - name: benches
    match: {event: Bench Status Update}
    notify: [hook]
    group: {by: [group, status], wait: 30s}
`, "", nil, nil, e2eStart)

	oldBenches := make([]string, 12)
	for i := range 12 {
		oldBenches[i] = fmt.Sprintf("bench-0019-%06d-f%d", 100+i, i%4)
		s.send(benchBody(oldBenches[i], "Active", s.clock.Now()))
	}
	s.pass(30 * time.Second)

	for _, status := range []string{"Pending", "Installing", "Active"} {
		for i := range 12 {
			s.send(benchBody(fmt.Sprintf("bench-0019-%06d-f%d", 200+i, i%4), status, s.clock.Now()))
		}
		s.pass(30 * time.Second)
	}
	for _, name := range oldBenches {
		s.send(benchBody(name, "Archived", s.clock.Now()))
	}
	s.pass(30 * time.Second)

	checkCalls(t, "Slack webhook posts", slackCalls(t, s.slack),
		"webhook ✅ 12 benches of release group bench-0019 are now Active",
		"webhook ⏳ 12 benches of release group bench-0019 are now Pending",
		"webhook 🔄 12 benches of release group bench-0019 are now Installing",
		"webhook ✅ 12 benches of release group bench-0019 are now Active",
		"webhook 🗄️ 12 benches of release group bench-0019 are now Archived",
	)
}

func benchBody(name, status string, modified time.Time) []byte {
	group := name[:strings.LastIndex(name[:strings.LastIndex(name, "-")], "-")]
	return fcevents.BenchStatus(fcevents.Bench{Name: name, Group: group}, status, modified)
}

var calmSite = fcevents.Site{Name: "site1.example.com", Group: "bench-0019", Bench: "bench-0019-000059-f3", Team: "team-7f3a"}

func (s *stack) sendSite(site fcevents.Site, status string) {
	s.t.Helper()
	s.send(fcevents.SiteStatus(site, status, s.clock.Now()))
}

func TestCalmSettleDropsFlapAndKeepsHistory(t *testing.T) {
	s := startCalmStack(t, `
rules:
  - name: sites
    match: {event: Site Status Update, from: [Active, Installing]}
    notify: [hook]
    settle: 2m
`, "", nil, nil, e2eStart)
	s.sendSite(calmSite, "Active")
	s.pass(10 * time.Second)
	s.sendSite(calmSite, "Installing")
	s.pass(40 * time.Second)
	s.sendSite(calmSite, "Active")
	s.pass(3 * time.Minute)
	if n := len(s.slack.Requests()); n != 0 {
		t.Fatalf("Slack requests after a flap = %d, want 0", n)
	}

	s.sendSite(calmSite, "Installing")
	s.pass(20 * time.Second)
	s.sendSite(calmSite, "Broken")
	s.pass(100 * time.Second)
	checkCalls(t, "Slack posts", slackCalls(t, s.slack), "webhook 🔴 site1.example.com Active → Broken")
	if body := string(s.slack.Requests()[0].Body); !strings.Contains(body, "History: Active → Installing → Broken") {
		t.Errorf("post does not show the history: %s", body)
	}
}

func TestCalmRepeatWithinRepeatAfterSendsNothing(t *testing.T) {
	s := startCalmStack(t, `
rules:
  - name: site-broken
    match: {event: Site Status Update, to: Broken}
    notify: [devs]
    repeat_after: 4h
`, "", nil, nil, e2eStart)
	for range 3 {
		s.sendSite(calmSite, "Active")
		s.sendSite(calmSite, "Broken")
		s.pass(time.Hour)
	}
	if n := len(s.discord.Requests()); n != 1 {
		t.Errorf("Discord posts = %d, want 1", n)
	}
	s.pass(2 * time.Hour)
	s.sendSite(calmSite, "Active")
	s.sendSite(calmSite, "Broken")
	reqs := s.discord.Requests()
	if len(reqs) != 2 {
		t.Fatalf("Discord posts = %d, want 2", len(reqs))
	}
	if body := string(reqs[1].Body); !strings.Contains(body, "Broken again (3 times since 2026-08-25 12:00 UTC)") {
		t.Errorf("second post does not count the repeats: %s", body)
	}
}

const deployRules = `
rules:
  - name: deploys
    match: {event: Bench Deploy Status Update}
    notify: [ops, devs, hook]
    update: true
`

var calmDeploy = fcevents.Deploy{Name: "x7k2m7q4ra", Candidate: "deploy-0019-000061", Group: "bench-0019", Team: "team-7f3a"}

func (s *stack) sendDeploy(d fcevents.Deploy, status string) {
	s.t.Helper()
	s.send(fcevents.DeployStatus(d, status, s.clock.Now()))
}

// discordCalls returns the Discord requests as "METHOD path", with the
// webhook's secret path shortened to "webhook".
func discordCalls(fake *chatfake.Discord) []string {
	var out []string
	for _, r := range fake.Requests() {
		path := strings.Replace(r.Path, strings.TrimPrefix(fake.WebhookURL(), fake.URL()), "webhook", 1)
		out = append(out, r.Method+" "+path)
	}
	return out
}

func TestCalmUpdateEditsOneMessagePerPlatform(t *testing.T) {
	s := startCalmStack(t, deployRules, "", nil, nil, e2eStart)
	s.sendDeploy(calmDeploy, "Pending")
	s.pass(time.Minute)
	s.sendDeploy(calmDeploy, "Preparing")

	// A restart between the post and the later edits keeps the ids.
	s.stop()
	s = startCalmStack(t, deployRules, s.state, s.slack, s.discord, e2eStart.Add(2*time.Minute))
	s.sendDeploy(calmDeploy, "Running")
	s.pass(time.Minute)
	s.sendDeploy(calmDeploy, "Success")

	calls := slackCalls(t, s.slack)
	var api, hook []string
	for _, c := range calls {
		if strings.HasPrefix(c, "webhook ") {
			hook = append(hook, c)
		} else {
			api = append(api, c)
		}
	}
	checkCalls(t, "Slack bot calls", api,
		"chat.postMessage ⏳ bench-0019: deploy deploy-0019-000061 is Pending",
		"chat.update 🔄 bench-0019: deploy deploy-0019-000061 is Preparing",
		"chat.update 🔄 bench-0019: deploy deploy-0019-000061 is Running",
		"chat.update ✅ bench-0019: deploy deploy-0019-000061 succeeded",
	)
	// An incoming webhook cannot edit, so it posts every status.
	if len(hook) != 4 {
		t.Errorf("Slack webhook posts = %d, want 4", len(hook))
	}

	var firstTS string
	for _, r := range s.slack.Requests() {
		form, _ := url.ParseQuery(string(r.Body))
		switch r.Path {
		case "/api/chat.postMessage":
			firstTS = "1700000000.000001"
		case "/api/chat.update":
			if got := form.Get("ts"); got != firstTS {
				t.Errorf("chat.update ts = %q, want the post's %q", got, firstTS)
			}
			if got := form.Get("channel"); got != "C0CALM" {
				t.Errorf("chat.update channel = %q, want C0CALM", got)
			}
		}
	}

	first := "1300000000000000001"
	checkCalls(t, "Discord calls", discordCalls(s.discord),
		"POST webhook",
		"PATCH webhook/messages/"+first,
		"PATCH webhook/messages/"+first,
		"PATCH webhook/messages/"+first,
	)
	last := string(s.discord.Requests()[3].Body)
	if !strings.Contains(last, "History: Pending → Preparing → Running → Success") {
		t.Errorf("last Discord edit does not show the history: %s", last)
	}
}

func TestCalmThreadRepliesUnderFirstMessage(t *testing.T) {
	s := startCalmStack(t, `
rules:
  - name: deploys
    match: {event: Bench Deploy Status Update}
    notify: [ops, bots]
    thread: true
`, "", nil, nil, e2eStart)
	for _, status := range []string{"Pending", "Running", "Success"} {
		s.sendDeploy(calmDeploy, status)
		s.pass(time.Minute)
	}

	var threadTS []string
	for _, r := range s.slack.Requests() {
		form, _ := url.ParseQuery(string(r.Body))
		threadTS = append(threadTS, r.Path+" "+form.Get("thread_ts"))
	}
	checkCalls(t, "Slack calls", threadTS,
		"/api/chat.postMessage ",
		"/api/chat.postMessage 1700000000.000001",
		"/api/chat.postMessage 1700000000.000001",
	)
	first := "1300000000000000001"
	channel := s.discord.ChannelID()
	checkCalls(t, "Discord calls", discordCalls(s.discord),
		"POST /api/v10/channels/"+channel+"/messages",
		"POST /api/v10/channels/"+channel+"/messages/"+first+"/threads",
		"POST /api/v10/channels/"+first+"/messages",
		"POST /api/v10/channels/"+channel+"/messages/"+first+"/threads",
		"POST /api/v10/channels/"+first+"/messages",
	)
}

func TestCalmQuietHoursDigestAndUrgent(t *testing.T) {
	sl, dc := chatfake.NewSlack(t), chatfake.NewDiscord(t)
	state := filepath.Join(t.TempDir(), "fcnotify.db")
	cfgText := strings.Replace(calmConfig(sl, dc, state, `
rules:
  - name: site-broken
    match: {event: Site Status Update, to: Broken}
    notify: [devs]
    urgent: true
  - name: sites
    match: {event: Site Status Update}
    notify: [devs]
`), "    discord: {webhook_url:", "    quiet: {zone: UTC, from: \"12:00\", to: \"13:00\"}\n    discord: {webhook_url:", 1)
	s := startCalmStackFrom(t, cfgText, state, sl, dc, e2eStart)

	site2 := calmSite
	site2.Name = "site2.example.com"
	s.sendSite(calmSite, "Active")
	s.sendSite(site2, "Active")
	s.pass(time.Minute)
	s.sendSite(site2, "Installing")
	s.sendSite(calmSite, "Broken")
	checkCalls(t, "Discord calls during quiet hours", discordCalls(dc), "POST webhook")
	if body := string(dc.Requests()[0].Body); !strings.Contains(body, "site1.example.com Active → Broken") {
		t.Errorf("urgent post = %s, want the Broken site", body)
	}

	s.pass(58 * time.Minute)
	if n := len(dc.Requests()); n != 1 {
		t.Fatalf("Discord posts before quiet hours end = %d, want 1", n)
	}
	s.pass(time.Minute)
	reqs := dc.Requests()
	if len(reqs) != 2 {
		t.Fatalf("Discord posts = %d, want the urgent post and one digest", len(reqs))
	}
	digest := string(reqs[1].Body)
	for _, want := range []string{"🌙 2 messages held during quiet hours", "site1.example.com", "site2.example.com", "Active → Installing", "3 events"} {
		if !strings.Contains(digest, want) {
			t.Errorf("digest does not contain %q: %s", want, digest)
		}
	}
}

// startCalmStackFrom starts a server with a configuration text of its
// own; see startCalmStack.
func startCalmStackFrom(t *testing.T, cfgText, state string, sl *chatfake.Slack, dc *chatfake.Discord, start time.Time) *stack {
	t.Helper()
	cfg, err := config.Parse([]byte(cfgText), "calm.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return runStack(t, cfg, state, sl, dc, start)
}

func TestCalmMuteSilencesExactlyItsTarget(t *testing.T) {
	s := startCalmStack(t, `
rules:
  - name: all
    match: {event: [Site Status Update, Bench Status Update]}
    notify: [hook]
`, "", nil, nil, e2eStart)
	_, err := s.srv.store.AddMute(context.Background(), store.Mute{
		MuteTarget: store.MuteTarget{Kind: store.MuteGroup, Target: "bench-0019"},
		Until:      e2eStart.Add(2 * time.Hour), Reason: "maintenance", Created: e2eStart,
	})
	if err != nil {
		t.Fatal(err)
	}
	site2 := fcevents.Site{Name: "site2.example.com", Group: "bench-0020", Bench: "bench-0020-000001-f1", Team: "team-7f3a"}
	s.sendSite(calmSite, "Active")
	s.sendSite(site2, "Active")
	s.send(benchBody("bench-0019-000059-f3", "Broken", s.clock.Now()))
	s.send(benchBody("bench-0020-000001-f1", "Broken", s.clock.Now()))

	checkCalls(t, "Slack posts", slackCalls(t, s.slack),
		"webhook ✅ site2.example.com is now Active",
		"webhook 🔴 Bench bench-0020-000001-f1 is now Broken",
	)
	if logs := s.logs.String(); strings.Count(logs, "event muted, sending nothing") != 2 {
		t.Errorf("muted events logged %d times, want 2:\n%s", strings.Count(logs, "event muted"), logs)
	}
	if metrics := s.metrics(); !strings.Contains(metrics, `fcnotify_events_muted_total{kind="group"} 2`) {
		t.Errorf("metrics do not count 2 muted events:\n%s", metrics)
	}

	s.pass(2 * time.Hour)
	s.sendSite(calmSite, "Broken")
	if n := len(s.slack.Requests()); n != 3 {
		t.Errorf("Slack posts after the mute ended = %d, want 3", n)
	}
}

// TestCalmStopInGroupWindowLosesNothing stops the server in the middle
// of a group window and starts it again after the window closed.
func TestCalmStopInGroupWindowLosesNothing(t *testing.T) {
	rules := `
rules:
  - name: benches
    match: {event: Bench Status Update, to: Broken}
    notify: [hook]
    group: {by: [group], wait: 30s}
`
	s := startCalmStack(t, rules, "", nil, nil, e2eStart)
	for i := range 3 {
		s.send(benchBody(fmt.Sprintf("bench-0019-%06d-f1", i), "Broken", s.clock.Now()))
	}
	s.pass(10 * time.Second)
	s.stop()

	s = startCalmStack(t, rules, s.state, s.slack, s.discord, e2eStart.Add(time.Minute))
	s.waitReleased()
	s.settle()
	checkCalls(t, "Slack posts", slackCalls(t, s.slack), "webhook 🔴 3 benches of release group bench-0019 are now Broken")
}

// TestCalmStopBeforeEditLosesNothing stops the server while the edit of
// a living message hangs, and checks that the next server edits the
// same message.
func TestCalmStopBeforeEditLosesNothing(t *testing.T) {
	rules := strings.Replace(deployRules, "[ops, devs, hook]", "[ops]", 1)
	s := startCalmStack(t, rules, "", nil, nil, e2eStart)
	s.sendDeploy(calmDeploy, "Pending")
	s.slack.Hang(1)
	if status, resp := s.post(string(fcevents.DeployStatus(calmDeploy, "Running", s.clock.Now()))); status != 200 {
		t.Fatalf("post: %d %s", status, resp)
	}
	waitFor(t, "the hung chat.update", func() bool {
		// The edit waits a second for Slack's pace.
		s.clock.Advance(100 * time.Millisecond)
		for _, r := range s.slack.Requests() {
			if r.Path == "/api/chat.update" {
				return true
			}
		}
		return false
	})
	s.stop()

	s = startCalmStack(t, rules, s.state, s.slack, s.discord, e2eStart.Add(time.Minute))
	s.settle()
	var updates []string
	for _, r := range s.slack.Requests() {
		if r.Path == "/api/chat.update" {
			form, _ := url.ParseQuery(string(r.Body))
			updates = append(updates, form.Get("ts")+" "+form.Get("text"))
		}
	}
	checkCalls(t, "chat.update calls", updates,
		"1700000000.000001 🔄 bench-0019: deploy deploy-0019-000061 is Running",
		"1700000000.000001 🔄 bench-0019: deploy deploy-0019-000061 is Running",
	)
	posts := 0
	for _, r := range s.slack.Requests() {
		if r.Path == "/api/chat.postMessage" {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("chat.postMessage calls = %d, want 1", posts)
	}
}
