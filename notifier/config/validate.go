package config

import (
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// segmentName is the pattern of endpoint and channel names: one URL path
// segment that needs no escaping and reads the same in logs and metrics.
var segmentName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

const segmentHint = "use only letters, digits, _, . and -"

// validate returns every problem of a decoded configuration with its
// defaults filled in, and loads the time zones.
func (c *Config) validate() Problems {
	var problems Problems
	problems = append(problems, c.validateServer()...)
	problems = append(problems, c.validateWebhook()...)
	problems = append(problems, c.validateState()...)
	problems = append(problems, c.validateDelivery()...)
	problems = append(problems, c.validateSchedule()...)
	problems = append(problems, c.loadZones()...)
	problems = append(problems, c.validateChannels()...)
	problems = append(problems, c.validateTemplates()...)
	problems = append(problems, c.validateRules()...)
	problems = append(problems, c.validateCalm()...)
	return problems
}

func (c *Config) validateServer() Problems {
	var problems Problems
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		problems = append(problems, c.Problem("listen", "invalid listen address "+strconv.Quote(c.Listen), `write host:port, such as ":8080" or "127.0.0.1:8080"`))
	}
	if !isHTTPURL(c.DashboardURL) {
		problems = append(problems, c.Problem("dashboard_url", "invalid URL "+strconv.Quote(c.DashboardURL), "write an absolute http or https URL, such as "+strconv.Quote(DefaultDashboardURL)))
	}
	return problems
}

func (c *Config) validateWebhook() Problems {
	var problems Problems
	if message := checkWebhookPath(c.Webhook.Path); message != "" {
		problems = append(problems, c.Problem("webhook.path", message, `write a path such as "/webhook", without a final slash, so requests are never redirected`))
	}

	first := map[Secret]int{}
	for i, s := range c.Webhook.Secrets {
		base := indexPath("webhook.secrets", i)
		if s.Value == "" && s.ValueFile == "" {
			problems = append(problems, c.Problem(base+".value", "missing secret value", "set value or value_file, or remove the entry to accept requests without a secret"))
		}
		if j, dup := first[s.Value]; dup && s.Value != "" {
			problems = append(problems, c.Problem(base+".value", "the same secret is already listed as "+indexPath("webhook.secrets", j), "give each entry its own secret"))
		} else {
			first[s.Value] = i
		}
		for k, team := range s.Teams {
			if strings.TrimSpace(team) == "" {
				problems = append(problems, c.Problem(indexPath(base+".teams", k), "empty team name", "write the team name as Frappe Cloud sends it, such as team-7f3a"))
			}
		}
		if s.Endpoint != "" && (!segmentName.MatchString(s.Endpoint) || s.Endpoint == "." || s.Endpoint == "..") {
			problems = append(problems, c.Problem(base+".endpoint", "invalid endpoint name "+strconv.Quote(s.Endpoint), segmentHint+"; the endpoint is served at "+c.Webhook.Path+"/NAME"))
		}
	}
	return problems
}

// checkWebhookPath returns what is wrong with a webhook path, or "".
func checkWebhookPath(path string) string {
	quoted := strconv.Quote(path)
	switch {
	case !strings.HasPrefix(path, "/"):
		return "path " + quoted + " does not start with /"
	case strings.HasSuffix(path, "/"):
		return "path " + quoted + " ends with /"
	case strings.Contains(path, "//") || strings.ContainsAny(path, "?#% \t\r\n"):
		return "invalid path " + quoted
	}
	return ""
}

func (c *Config) validateState() Problems {
	if c.State.Driver != DefaultStateDriver {
		return Problems{c.Problem("state.driver", "unsupported driver "+strconv.Quote(c.State.Driver), `the only driver is "sqlite"`)}
	}
	return nil
}

func (c *Config) validateDelivery() Problems {
	var problems Problems
	d := c.Delivery
	if d.MaxBackoff < d.InitialBackoff {
		problems = append(problems, c.Problem("delivery.max_backoff", "max_backoff "+d.MaxBackoff.String()+" is shorter than initial_backoff "+d.InitialBackoff.String(), "raise max_backoff or lower initial_backoff"))
	}
	if d.MaxBacklog < 0 {
		problems = append(problems, c.Problem("delivery.max_backlog", "negative max_backlog", "write a positive number of messages, or leave it out for the default of 100000"))
	}
	return problems
}

// loadZones sets SourceLocation and DisplayLocation.
func (c *Config) loadZones() Problems {
	var problems Problems
	load := func(name, path string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			problems = append(problems, c.Problem(path, "unknown time zone "+strconv.Quote(name), "write an IANA name like Europe/Berlin, or UTC"))
			return nil
		}
		return loc
	}
	c.Time.SourceLocation = load(c.Time.Source, "time.source_zone")
	c.Time.DisplayLocation = load(c.Time.Display, "time.display_zone")
	return problems
}

// isHTTPURL reports whether s is an absolute http or https URL with a
// host.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
