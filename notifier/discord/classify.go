package discord

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/internal/chathttp"
)

// codeHints maps Discord's JSON error codes to what the user should do.
// https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
var codeHints = map[int]string{
	10003: "the channel does not exist: check the channel id",
	10008: "the message does not exist",
	10015: "the webhook does not exist: create a new webhook and update the URL",
	50001: "the bot has no access to the channel: add it to the channel",
	50006: "the message is empty",
	50013: "the bot lacks permission to post in the channel",
	50027: "the webhook token is invalid: copy the webhook URL again",
	50035: "discord rejected the message as invalid",
	50109: "the request body is not valid JSON",
}

// errorBody is Discord's JSON error body, 429s included.
type errorBody struct {
	Code       *int     `json:"code"`
	Message    string   `json:"message"`
	RetryAfter *float64 `json:"retry_after"`
	Global     bool     `json:"global"`
}

// sendError classifies a failed request from the response ex recorded.
// The discordgo error is read for its fields only: the text of
// RateLimitError and of a transport error contains the URL.
func (s *Sender) sendError(err error, ex *chathttp.Exchange) error {
	if ex.Status == 0 {
		reason := "request failed"
		if err != nil {
			reason = chathttp.TransportReason(err, s.secrets...)
		}
		return &notifier.SendError{Class: notifier.ClassTransient, Reason: reason}
	}

	var body errorBody
	_ = json.Unmarshal(errorBytes(err, ex), &body)
	sendErr := &notifier.SendError{Status: ex.Status}
	if body.Code != nil && *body.Code != 0 {
		sendErr.Code = strconv.Itoa(*body.Code)
	}

	switch {
	case ex.Status == http.StatusTooManyRequests:
		sendErr.Class = notifier.ClassRateLimited
		sendErr.RetryAfter = retryAfter(err, body, ex.Header)
		sendErr.Global = body.Global || ex.Header.Get("X-RateLimit-Global") == "true"
		sendErr.Reason = "discord rate limit exceeded"
	case ex.Status >= 400 && ex.Status < 500:
		sendErr.Class = notifier.ClassFinal
		sendErr.Reason = finalReason(ex.Status, body)
	default:
		sendErr.Class = notifier.ClassTransient
		sendErr.Reason = fmt.Sprintf("discord returned HTTP %d", ex.Status)
	}
	return sendErr
}

// errorBytes returns the response body: from the RESTError when discordgo
// returned one, else as recorded.
func errorBytes(err error, ex *chathttp.Exchange) []byte {
	var restErr *discordgo.RESTError
	if errors.As(err, &restErr) && len(restErr.ResponseBody) > 0 {
		return restErr.ResponseBody
	}
	return ex.Body
}

// retryAfter returns the wait of a 429: discordgo's reading of the body's
// retry_after when it could parse the body, else the body itself, else
// the Retry-After header. discordgo returns a bare JSON error, not a
// RateLimitError, for a body that is not JSON.
func retryAfter(err error, body errorBody, header http.Header) time.Duration {
	var rateErr *discordgo.RateLimitError
	if errors.As(err, &rateErr) && rateErr.RateLimit != nil && rateErr.TooManyRequests != nil && rateErr.RetryAfter > 0 {
		return rateErr.RetryAfter
	}
	if body.RetryAfter != nil {
		return chathttp.Seconds(*body.RetryAfter)
	}
	return chathttp.RetryAfter(header.Get("Retry-After"), time.Now())
}

// finalReason describes a 4xx response, preferring the hint for its code.
func finalReason(status int, body errorBody) string {
	if body.Code != nil {
		if hint, ok := codeHints[*body.Code]; ok {
			return hint
		}
	}
	switch status {
	case http.StatusUnauthorized:
		return "discord rejected the token"
	case http.StatusForbidden:
		return "discord denied access to the channel"
	case http.StatusNotFound:
		return "discord found no such webhook, channel or message"
	}
	if body.Message != "" && len(body.Message) <= 200 {
		return fmt.Sprintf("discord rejected the request: %q", body.Message)
	}
	return "discord rejected the request"
}
