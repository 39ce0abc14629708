package slack

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/internal/chathttp"
)

// webhookFinal maps the error bodies of incoming webhooks that fail the
// same way on every retry to what the user should do. Slack documents
// these strings without a fixed status, so the body decides the class.
// https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
var webhookFinal = map[string]string{
	"invalid_payload":                   "slack rejected the payload as malformed JSON or badly escaped text",
	"user_not_found":                    "the user does not exist",
	"action_prohibited":                 "a workspace admin restricted posting through this webhook",
	"channel_not_found":                 "the webhook's channel does not exist: create a new webhook",
	"channel_is_archived":               "the webhook's channel is archived: unarchive it or create a new webhook",
	"no_text":                           "the message has no text",
	"too_many_attachments":              "the message has more than 100 attachments",
	"posting_to_general_channel_denied": "the webhook's creator may not post to #general",
	"no_service":                        "the webhook is disabled, removed or invalid: create a new webhook",
	"no_active_hooks":                   "the webhook is disabled or removed: create a new webhook",
	"no_service_id":                     "the webhook URL has an invalid service id: copy the URL again",
	"no_team":                           "the webhook URL names no valid workspace: copy the URL again",
	"team_disabled":                     "the workspace is inactive",
	"invalid_token":                     "the webhook token is invalid or expired: create a new webhook",
}

// webhookError classifies a webhook response. It returns nil for 200.
func webhookError(status int, header http.Header, body string, now time.Time) error {
	if status == http.StatusOK {
		return nil
	}

	code := strings.TrimSpace(body)
	if !isCode(code) {
		code = ""
	}
	err := &notifier.SendError{Status: status, Code: code}
	if hint, ok := webhookFinal[code]; ok {
		err.Class, err.Reason = notifier.ClassFinal, hint
		return err
	}

	switch {
	case code == "rollup_error":
		err.Class, err.Reason = notifier.ClassTransient, "unexpected fault at slack"
	case status == http.StatusTooManyRequests:
		err.Class, err.Reason = notifier.ClassRateLimited, "slack webhook rate limit exceeded"
		err.RetryAfter = chathttp.RetryAfter(header.Get("Retry-After"), now)
	case status >= 400 && status < 500:
		err.Class, err.Reason = notifier.ClassFinal, "slack rejected the webhook request"
	default:
		err.Class, err.Reason = notifier.ClassTransient, "slack webhook failed"
	}
	return err
}

// isCode reports whether a response body looks like one of Slack's error
// codes rather than an HTML error page.
func isCode(body string) bool {
	if body == "" || len(body) > 64 {
		return false
	}
	for _, c := range body {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// apiFinal maps Web API error codes that fail the same way on every retry
// to what the user should do. Codes that are in neither this table nor
// apiRetry are final too, with a generic reason.
// https://docs.slack.dev/reference/methods/chat.postMessage
// https://docs.slack.dev/reference/methods/chat.update
var apiFinal = map[string]string{
	"not_in_channel":        "the bot is not in the channel: invite the app or add the chat:write.public scope",
	"channel_not_found":     "the channel does not exist or the bot cannot see it: check the channel id",
	"is_archived":           "the channel is archived",
	"is_inactive":           "the channel is archived or frozen",
	"invalid_auth":          "the bot token is invalid or used from a disallowed IP address",
	"token_revoked":         "the bot token was revoked: install the app again",
	"token_expired":         "the bot token expired: install the app again",
	"account_inactive":      "the bot's account is inactive",
	"not_authed":            "no bot token was sent",
	"msg_too_long":          "the message text is too long",
	"msg_blocks_too_long":   "the message blocks are too long",
	"invalid_blocks":        "slack rejected the message blocks",
	"invalid_blocks_format": "slack rejected the message blocks",
	"no_text":               "the message has no text",
	"too_many_attachments":  "the message has too many attachments",
	"cant_update_message":   "the message cannot be edited",
	"message_not_found":     "the message to edit does not exist",
	"edit_window_closed":    "the message is too old to edit",
}

// apiRetry maps Web API error codes that a retry may get past to their
// class.
var apiRetry = map[string]notifier.Class{
	"ratelimited":            notifier.ClassRateLimited,
	"rate_limited":           notifier.ClassRateLimited,
	"message_limit_exceeded": notifier.ClassRateLimited,
	"internal_error":         notifier.ClassTransient,
	"fatal_error":            notifier.ClassTransient,
	"service_unavailable":    notifier.ClassTransient,
	"request_timeout":        notifier.ClassTransient,
}

// apiError turns a slack-go error into a *notifier.SendError, using the
// response that ex recorded where slack-go drops the status or headers.
func (s *Sender) apiError(err error, ex *chathttp.Exchange) error {
	var (
		apiErr    slackgo.SlackErrorResponse
		rateErr   *slackgo.RateLimitedError
		statusErr slackgo.StatusCodeError
	)
	switch {
	case errors.As(err, &apiErr):
		return apiCodeError(apiErr.Err, ex)
	case errors.As(err, &rateErr):
		return &notifier.SendError{Class: notifier.ClassRateLimited, Status: http.StatusTooManyRequests, RetryAfter: rateErr.RetryAfter, Reason: "slack rate limit exceeded"}
	case ex.Status == http.StatusTooManyRequests:
		// slack-go returns a bare parse error for an HTTP-date Retry-After
		// and a StatusCodeError when the header is missing.
		return &notifier.SendError{Class: notifier.ClassRateLimited, Status: ex.Status, RetryAfter: chathttp.RetryAfter(ex.Header.Get("Retry-After"), time.Now()), Reason: "slack rate limit exceeded"}
	case errors.As(err, &statusErr):
		class := notifier.ClassTransient
		if statusErr.Code >= 400 && statusErr.Code < 500 {
			class = notifier.ClassFinal
		}
		return &notifier.SendError{Class: class, Status: statusErr.Code, Reason: fmt.Sprintf("slack returned HTTP %d", statusErr.Code)}
	case ex.Status == 0:
		return &notifier.SendError{Class: notifier.ClassTransient, Reason: chathttp.TransportReason(err, s.secrets...)}
	}
	// A response arrived but could not be read or decoded.
	return &notifier.SendError{Class: notifier.ClassTransient, Status: ex.Status, Reason: "read slack response: " + chathttp.TransportReason(err, s.secrets...)}
}

// apiCodeError classifies an ok:false response of the Web API.
func apiCodeError(code string, ex *chathttp.Exchange) *notifier.SendError {
	err := &notifier.SendError{Status: ex.Status, Code: code}
	if class, ok := apiRetry[code]; ok {
		err.Class = class
		err.Reason = "slack asked to retry later"
		// Only ratelimited comes with a wait. rate_limited and
		// message_limit_exceeded give none, so RetryAfter stays 0.
		if code == "ratelimited" {
			err.RetryAfter = chathttp.RetryAfter(ex.Header.Get("Retry-After"), time.Now())
		}
		return err
	}

	err.Class = notifier.ClassFinal
	err.Reason = apiFinal[code]
	if err.Reason == "" {
		err.Reason = "slack rejected the request"
	}
	return err
}
