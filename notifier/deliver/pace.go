package deliver

import "time"

// Window allows at most Count sends in any period of length Per.
type Window struct {
	Count int
	Per   time.Duration
}

// Published or observed chat limits, per channel.
var (
	// SlackPace keeps to Slack's "about one message per second per
	// channel" for incoming webhooks and chat.postMessage
	// (https://docs.slack.dev/apis/web-api/rate-limits).
	SlackPace = []Window{{Count: 1, Per: time.Second}}

	// DiscordPace keeps to 5 requests per 2 seconds per webhook and 30
	// messages per minute per channel. Discord does not document these;
	// they come from Discord staff in
	// https://github.com/discord/discord-api-docs/issues/367.
	DiscordPace = []Window{{Count: 5, Per: 2 * time.Second}, {Count: 30, Per: time.Minute}}
)

// pacer tracks recent sends of one channel against its windows. It is
// used by one worker goroutine only.
type pacer struct {
	windows []Window
	sent    []time.Time // send times within the longest window, oldest first
}

func newPacer(windows []Window) *pacer {
	return &pacer{windows: windows}
}

// delay returns how long to wait from now before the next send fits
// every window.
func (p *pacer) delay(now time.Time) time.Duration {
	var wait time.Duration
	for _, w := range p.windows {
		if len(p.sent) < w.Count {
			continue
		}
		// The send Count places back must leave the window first.
		oldest := p.sent[len(p.sent)-w.Count]
		if d := oldest.Add(w.Per).Sub(now); d > wait {
			wait = d
		}
	}
	return wait
}

// record stores a send at now and drops sends that no window needs.
func (p *pacer) record(now time.Time) {
	p.sent = append(p.sent, now)
	keep := 0
	for _, w := range p.windows {
		keep = max(keep, w.Count)
	}
	if len(p.sent) > keep {
		p.sent = append(p.sent[:0], p.sent[len(p.sent)-keep:]...)
	}
}
