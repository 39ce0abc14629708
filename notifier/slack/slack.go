// Package slack posts fcnotify messages to Slack, through an incoming
// webhook or with a bot token and chat.postMessage.
//
// A Sender posts each message once. It never retries and never sleeps:
// the caller owns retries and pacing, guided by the class of the returned
// *notifier.SendError. Errors never contain the webhook URL or the token.
package slack

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/internal/chathttp"
)

// DefaultAPIURL is the Web API base used when Config.APIURL is empty.
const DefaultAPIURL = "https://slack.com/api/"

const (
	// maxWebhookBody bounds the webhook response read. Slack responds with
	// a short word such as "ok" or "invalid_payload".
	maxWebhookBody = 64 << 10
	// maxAPIBody bounds a Web API response, which echoes the posted
	// message and so can exceed 64 KiB.
	maxAPIBody = 1 << 20
)

// Config chooses how a Sender posts. Exactly one of WebhookURL and Token
// is set; Token needs Channel.
type Config struct {
	// WebhookURL is an incoming webhook URL, used exactly as given. It is
	// a secret: Slack revokes webhook URLs that leak.
	WebhookURL string
	// Token is a bot token (xoxb-…) with the chat:write scope.
	Token string
	// Channel is the channel id (or #name) the bot posts to.
	Channel string
	// APIURL is the Web API base, DefaultAPIURL when empty. A missing
	// final slash is added.
	APIURL string
	// HTTPClient sends the requests. When nil, a client with a 10 second
	// timeout is used.
	HTTPClient *http.Client
}

// Sender posts messages to one Slack channel. It is safe for concurrent
// use.
type Sender struct {
	// webhookURL and client are set in webhook mode.
	webhookURL string
	client     *http.Client

	// api and channel are set in bot mode.
	api     *slackgo.Client
	channel string

	// secrets are removed from every error text.
	secrets []string
}

// New returns a Sender for cfg, or an error naming the setting to fix.
// The error never contains the webhook URL or the token.
func New(cfg Config) (*Sender, error) {
	client := cfg.HTTPClient
	if client == nil {
		client = chathttp.DefaultClient()
	}

	switch {
	case cfg.WebhookURL != "" && cfg.Token != "":
		return nil, errors.New("slack channel has both a webhook URL and a bot token: set only one")
	case cfg.WebhookURL != "":
		return newWebhookSender(cfg.WebhookURL, client)
	case cfg.Token != "":
		return newBotSender(cfg, client)
	}
	return nil, errors.New("slack channel has neither a webhook URL nor a bot token: set a webhook URL, or a token and a channel")
}

func newWebhookSender(webhookURL string, client *http.Client) (*Sender, error) {
	u, err := url.Parse(webhookURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The URL is a secret, so neither it nor the parse error is shown.
		return nil, errors.New("slack webhook URL is invalid: expected an absolute http or https URL")
	}
	return &Sender{
		webhookURL: webhookURL,
		client:     client,
		secrets:    urlSecrets(u, webhookURL),
	}, nil
}

func newBotSender(cfg Config, client *http.Client) (*Sender, error) {
	if strings.TrimSpace(cfg.Channel) == "" {
		return nil, errors.New("slack bot token has no channel: set the channel id, such as C0123456789")
	}

	apiURL := cfg.APIURL
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("slack API URL is invalid: expected an absolute http or https URL such as " + DefaultAPIURL)
	}
	// slack-go joins the base and the method name without a separator.
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}

	observed := chathttp.Observe(client, maxAPIBody, "")
	return &Sender{
		api:     slackgo.New(cfg.Token, slackgo.OptionHTTPClient(observed), slackgo.OptionAPIURL(apiURL)),
		channel: cfg.Channel,
		secrets: append(urlSecrets(u, apiURL), cfg.Token),
	}, nil
}

// urlSecrets lists the forms of a URL that must not reach an error text.
func urlSecrets(u *url.URL, raw string) []string {
	secrets := []string{raw, u.String()}
	if len(u.Path) > 1 {
		secrets = append(secrets, u.Path, u.EscapedPath())
	}
	return secrets
}

// CanEdit reports whether Update can change a sent message, which needs a
// bot token: incoming webhooks return no message ts.
func (s *Sender) CanEdit() bool {
	return s.api != nil
}

// Send posts msg once. On success the Receipt holds the channel id and ts
// in bot mode and is empty in webhook mode. On failure the error is a
// *notifier.SendError.
func (s *Sender) Send(ctx context.Context, msg *notifier.Message) (notifier.Receipt, error) {
	if s.api != nil {
		return s.postMessage(ctx, msg)
	}
	return notifier.Receipt{}, s.postWebhook(ctx, msg)
}

// Update replaces the message a bot-mode Send returned receipt for with
// msg, through chat.update. It fails with ClassFinal in webhook mode or
// when receipt lacks the channel id or ts.
func (s *Sender) Update(ctx context.Context, receipt notifier.Receipt, msg *notifier.Message) error {
	if s.api == nil {
		return &notifier.SendError{Class: notifier.ClassFinal, Reason: "slack incoming webhook messages cannot be edited: use a bot token and channel to edit messages"}
	}
	if receipt.ChannelID == "" || receipt.MessageID == "" {
		return &notifier.SendError{Class: notifier.ClassFinal, Reason: "receipt has no slack channel id or message ts: only messages sent with a bot token can be edited"}
	}

	ctx, ex := chathttp.Track(ctx)
	_, _, _, err := s.api.UpdateMessageContext(ctx, receipt.ChannelID, receipt.MessageID, messageOptions(msg)...)
	if err != nil {
		return s.apiError(err, ex)
	}
	return nil
}

func (s *Sender) postMessage(ctx context.Context, msg *notifier.Message) (notifier.Receipt, error) {
	ctx, ex := chathttp.Track(ctx)
	channel, ts, err := s.api.PostMessageContext(ctx, s.channel, messageOptions(msg)...)
	if err != nil {
		return notifier.Receipt{}, s.apiError(err, ex)
	}
	return notifier.Receipt{MessageID: ts, ChannelID: channel}, nil
}

// messageOptions sends Payload's text and attachment through the Web
// API. The text is already escaped, and link_names is never sent.
func messageOptions(msg *notifier.Message) []slackgo.MsgOption {
	payload := Payload(msg)
	return []slackgo.MsgOption{
		slackgo.MsgOptionText(payload.Text, false),
		slackgo.MsgOptionAttachments(payload.Attachments...),
	}
}

// postWebhook posts to the incoming webhook with the Sender's own client
// rather than slack.PostWebhook, which drops the error body and returns
// errors that print the URL.
func (s *Sender) postWebhook(ctx context.Context, msg *notifier.Message) error {
	body, err := PayloadJSON(msg)
	if err != nil {
		return &notifier.SendError{Class: notifier.ClassFinal, Reason: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.webhookURL, bytes.NewReader(body))
	if err != nil {
		return &notifier.SendError{Class: notifier.ClassFinal, Reason: "build slack webhook request: the webhook URL is invalid"}
	}
	req.Header.Set("Content-Type", "application/json")

	resp, err := s.client.Do(req)
	if err != nil {
		return &notifier.SendError{Class: notifier.ClassTransient, Reason: chathttp.TransportReason(err, s.secrets...)}
	}
	defer resp.Body.Close()

	// A body cut short by a read error is still classified by what
	// arrived: the status decides when the body is incomplete.
	text, _ := chathttp.ReadBody(resp.Body, maxWebhookBody)
	return webhookError(resp.StatusCode, resp.Header, string(text), time.Now())
}
