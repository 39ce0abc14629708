// Package discord posts fcnotify messages to Discord, through a webhook
// or with a bot token and a channel id.
//
// A Sender posts each message once. It never retries and never sleeps:
// the caller owns retries and pacing, guided by the class of the returned
// *notifier.SendError and by Pace. Errors never contain the webhook URL or
// the token.
package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/internal/chathttp"
)

// DefaultAPIURL is the REST API base used when Config.APIURL is empty.
const DefaultAPIURL = "https://discord.com/api/v10/"

// maxResponseBody bounds a response read. Discord echoes the posted
// message, which stays well under this.
const maxResponseBody = 1 << 20

// Config chooses how a Sender posts. Exactly one of WebhookURL and Token
// is set; Token needs ChannelID.
type Config struct {
	// WebhookURL is a webhook URL, used exactly as given; wait=true is
	// added to its query. Its last path element is a secret token.
	WebhookURL string
	// Token is a bot token, without the "Bot " prefix.
	Token string
	// ChannelID is the numeric id of the channel the bot posts to.
	ChannelID string
	// APIURL is the REST API base for bot tokens, DefaultAPIURL when
	// empty. A missing final slash is added.
	APIURL string
	// HTTPClient sends the requests. When nil, a client with a 10 second
	// timeout is used.
	HTTPClient *http.Client
}

// Sender posts messages to one Discord channel. It is safe for concurrent
// use, but discordgo holds a lock on the Sender's one rate-limit bucket
// during each request, so concurrent calls are sent one at a time.
type Sender struct {
	session *discordgo.Session

	// postURL is the URL Send posts to: the webhook, or the channel's
	// messages endpoint when bot is set. Update edits the message at
	// editPrefix + message id + editSuffix.
	postURL    string
	editPrefix string
	editSuffix string
	bot        bool

	// secrets are removed from every error text.
	secrets []string

	// mu guards the rate-limit headers last seen.
	mu         sync.Mutex
	remaining  int
	resetAfter time.Duration
	seen       time.Time
}

// New returns a Sender for cfg, or an error naming the setting to fix.
// The error never contains the webhook URL or the token.
func New(cfg Config) (*Sender, error) {
	client := cfg.HTTPClient
	if client == nil {
		client = chathttp.DefaultClient()
	}

	var (
		s   *Sender
		err error
	)
	switch {
	case cfg.WebhookURL != "" && cfg.Token != "":
		return nil, errors.New("discord channel has both a webhook URL and a bot token: set only one")
	case cfg.WebhookURL != "":
		s, err = newWebhookSender(cfg.WebhookURL)
	case cfg.Token != "":
		s, err = newBotSender(cfg)
	default:
		return nil, errors.New("discord channel has neither a webhook URL nor a bot token: set a webhook URL, or a token and a channel id")
	}
	if err != nil {
		return nil, err
	}

	s.remaining = -1
	s.session, err = newSession(cfg.Token, client)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// newSession returns a discordgo Session for REST calls only: it opens no
// websocket.
func newSession(token string, client *http.Client) (*discordgo.Session, error) {
	auth := ""
	if token != "" {
		auth = "Bot " + token
	}
	session, err := discordgo.New(auth)
	if err != nil {
		return nil, fmt.Errorf("create discord session: %w", err)
	}

	// discordgo's own retries are off: the caller retries and paces, and
	// discordgo would wait out a 429 with time.Sleep, ignoring the
	// context, and resend a 502 at once.
	session.ShouldRetryOnRateLimit = false
	session.MaxRestRetries = 0
	// Its limiter also sleeps before a request whose bucket it thinks is
	// spent, and no setting turns that off. The client hides the
	// X-RateLimit headers from it, so it never has a reason to sleep (nor
	// a malformed header to fail a delivered message on). The Sender reads
	// them itself for Pace.
	session.Client = chathttp.Observe(client, maxResponseBody, "X-RateLimit-")
	// Errors reach the caller as values, so discordgo's own log lines,
	// which go to the standard logger, are switched off.
	session.LogLevel = discordgo.LogError - 1
	return session, nil
}

func newWebhookSender(webhookURL string) (*Sender, error) {
	u, err := url.Parse(webhookURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(u.Path) <= 1 {
		// The URL is a secret, so neither it nor the parse error is shown.
		return nil, errors.New("discord webhook URL is invalid: expected an absolute http or https URL such as https://discord.com/api/webhooks/{id}/{token}")
	}

	query := u.Query()
	query.Del("wait")
	base, _, _ := strings.Cut(webhookURL, "?")
	editSuffix := ""
	if len(query) > 0 {
		// thread_id and the like apply to edits too.
		editSuffix = "?" + query.Encode()
	}
	query.Set("wait", "true")

	secrets := []string{webhookURL, base, u.Path, u.EscapedPath()}
	if i := strings.LastIndex(u.Path, "/"); i >= 0 && len(u.Path)-i > 1 {
		secrets = append(secrets, u.Path[i+1:])
	}
	return &Sender{
		postURL:    base + "?" + query.Encode(),
		editPrefix: strings.TrimSuffix(base, "/") + "/messages/",
		editSuffix: editSuffix,
		secrets:    secrets,
	}, nil
}

func newBotSender(cfg Config) (*Sender, error) {
	if strings.ContainsFunc(cfg.Token, unicode.IsSpace) || strings.ContainsFunc(cfg.Token, unicode.IsControl) {
		return nil, errors.New("discord bot token contains spaces or control characters: copy the token again")
	}
	if !isSnowflake(cfg.ChannelID) {
		return nil, fmt.Errorf("discord channel id %q is invalid: expected the numeric id of the channel", cfg.ChannelID)
	}

	apiURL := cfg.APIURL
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("discord API URL is invalid: expected an absolute http or https URL such as " + DefaultAPIURL)
	}
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}

	messages := apiURL + "channels/" + cfg.ChannelID + "/messages"
	return &Sender{
		postURL:    messages,
		editPrefix: messages + "/",
		bot:        true,
		secrets:    []string{cfg.Token},
	}, nil
}

// CanEdit reports whether Update can change a sent message. It always
// can: webhook messages are posted with wait=true, so Discord returns
// their id, and bot messages always have one.
func (s *Sender) CanEdit() bool { return true }

// Send posts msg once. On success the Receipt holds the message id (empty
// only if Discord's response could not be read). On failure the error is a
// *notifier.SendError.
func (s *Sender) Send(ctx context.Context, msg *notifier.Message) (notifier.Receipt, error) {
	params := Payload(msg)
	var data any = params
	if s.bot {
		data = &discordgo.MessageSend{Content: params.Content, Embeds: params.Embeds, AllowedMentions: params.AllowedMentions}
	}

	body, err := s.request(ctx, http.MethodPost, s.postURL, data)
	if err != nil {
		return notifier.Receipt{}, err
	}
	var sent discordgo.Message
	if json.Unmarshal(body, &sent) != nil {
		return notifier.Receipt{}, nil
	}
	return notifier.Receipt{MessageID: sent.ID}, nil
}

// Update replaces the content, embed and allowed mentions of the message
// that receipt names with msg's. allowed_mentions is sent again because
// Discord would otherwise parse the new content with its defaults.
func (s *Sender) Update(ctx context.Context, receipt notifier.Receipt, msg *notifier.Message) error {
	if !isSnowflake(receipt.MessageID) {
		return &notifier.SendError{Class: notifier.ClassFinal, Reason: fmt.Sprintf("discord message id %q is invalid: expected the numeric id from a receipt", receipt.MessageID)}
	}

	params := Payload(msg)
	edit := &discordgo.WebhookEdit{
		Content:         &params.Content,
		Embeds:          &params.Embeds,
		AllowedMentions: params.AllowedMentions,
	}
	_, err := s.request(ctx, http.MethodPatch, s.editPrefix+receipt.MessageID+s.editSuffix, edit)
	return err
}

// Pace returns the X-RateLimit-Remaining of the last response that had
// one (-1 before any), and how long from now its X-RateLimit-Reset-After
// runs (0 once passed).
func (s *Sender) Pace() (remaining int, resetAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	left := s.resetAfter - time.Since(s.seen)
	return s.remaining, max(left, 0)
}

// request sends one request through discordgo and returns the response
// body of a 2xx response, or a *notifier.SendError.
func (s *Sender) request(ctx context.Context, method, url string, data any) ([]byte, error) {
	ctx, ex := chathttp.Track(ctx)
	// One bucket for every request: the Session serves one channel.
	body, err := s.session.RequestWithBucketID(method, url, data, "messages", discordgo.WithContext(ctx))
	s.notePace(ex.Header)

	// A 2xx means Discord accepted the message, even if its response could
	// not be read in full.
	if ex.Status >= 200 && ex.Status < 300 {
		return body, nil
	}
	return nil, s.sendError(err, ex)
}

func (s *Sender) notePace(header http.Header) {
	remaining, err := strconv.Atoi(header.Get("X-RateLimit-Remaining"))
	if err != nil {
		return
	}
	resetAfter, _ := strconv.ParseFloat(header.Get("X-RateLimit-Reset-After"), 64)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.remaining = remaining
	s.resetAfter = chathttp.Seconds(resetAfter)
	s.seen = time.Now()
}
