package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// redacted is the placeholder that a non-empty Secret shows instead of
// its value.
const redacted = "[redacted]"

// Secret is a string that prints, marshals and logs as "[redacted]", and
// an empty Secret as "", so a configuration can be printed or logged
// whole. Reveal returns the real value; only the code that sends it calls
// Reveal.
type Secret string

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// String returns "[redacted]", or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns the quoted placeholder, for %#v.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// Format prints the placeholder for every verb and flag, so no fmt
// directive (%x and %q included) reaches the value.
func (s Secret) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), s.String())
}

// MarshalYAML returns the placeholder.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// MarshalJSON returns the placeholder as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// LogValue returns the placeholder, for log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// StringList is one string or a list of strings in YAML. A null item of a
// list reads as "".
type StringList []string

// UnmarshalYAML reads a scalar as a one-item list and a sequence of
// scalars as a list; null leaves the list empty.
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	n = resolveAlias(n)
	*l = nil
	switch n.Kind {
	case yaml.ScalarNode:
		if !isNull(n) {
			*l = StringList{n.Value}
		}
		return nil
	case yaml.SequenceNode:
		list := make(StringList, 0, len(n.Content))
		for i, item := range n.Content {
			line, item := item.Line, resolveAlias(item)
			if item.Kind != yaml.ScalarNode {
				return Problem{Line: line, Path: indexPath("", i), Message: "expected a string, found " + kindName(item)}
			}
			list = append(list, nullAsEmpty(item))
		}
		*l = list
		return nil
	default:
		return Problem{Line: n.Line, Message: "expected a string or a list of strings, found " + kindName(n)}
	}
}

// Duration is a time.Duration written as "45s", "2m", "24h" or "7d" in
// YAML, where a day is 24 hours. Negative durations are rejected.
type Duration time.Duration

// Duration returns d as a time.Duration.
func (d Duration) Duration() time.Duration { return time.Duration(d) }

// String formats whole days as "7d" and other values the way
// time.Duration does, without zero minutes or seconds ("5m", "1h30m").
func (d Duration) String() string {
	const day = 24 * time.Hour
	td := time.Duration(d)
	if td >= day && td%day == 0 {
		return strconv.FormatInt(int64(td/day), 10) + "d"
	}
	s := td.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// MarshalText returns the String form, for YAML and JSON.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalYAML reads a duration such as "45s" or "7d".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	n = resolveAlias(n)
	if n.Kind != yaml.ScalarNode {
		return Problem{Line: n.Line, Message: "expected a duration, found " + kindName(n), Hint: durationHint}
	}
	if isNull(n) {
		*d = 0
		return nil
	}
	v, err := parseDuration(n.Value)
	if err != nil {
		return Problem{Line: n.Line, Message: err.Error(), Hint: durationHint}
	}
	*d = v
	return nil
}

const durationHint = `write a number and a unit, such as "45s", "2m", "24h" or "7d"`

// ParseDuration reads a duration as the configuration file writes one:
// Go's form ("90s", "2h30m") or whole days ("7d"). Negative durations are
// invalid.
func ParseDuration(s string) (time.Duration, error) {
	d, err := parseDuration(s)
	return time.Duration(d), err
}

func parseDuration(s string) (Duration, error) {
	days, rest := int64(0), s
	if before, after, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.ParseInt(before, 10, 64)
		if err != nil || before[0] == '+' {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		if n < 0 {
			return 0, fmt.Errorf("negative duration %q", s)
		}
		days, rest = n, after
	}
	var d time.Duration
	if rest != "" {
		var err error
		if d, err = time.ParseDuration(rest); err != nil {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		if d < 0 {
			return 0, fmt.Errorf("negative duration %q", s)
		}
	}
	const day = int64(24 * time.Hour)
	if days > (math.MaxInt64-int64(d))/day {
		return 0, fmt.Errorf("duration %q is too long", s)
	}
	return Duration(days*day + int64(d)), nil
}

// ByteSize is a size in bytes written as a number of bytes (1048576) or
// with a unit: "512KiB", "1MiB" and "2GiB" are powers of 1024, "1kB",
// "1MB" and "1GB" powers of 1000.
type ByteSize int64

// byteUnits lists the accepted units, longest first so "MiB" is tried
// before "B".
var byteUnits = []struct {
	suffix string
	size   int64
}{
	{"KiB", 1 << 10},
	{"MiB", 1 << 20},
	{"GiB", 1 << 30},
	{"TiB", 1 << 40},
	{"kB", 1e3},
	{"KB", 1e3},
	{"MB", 1e6},
	{"GB", 1e9},
	{"TB", 1e12},
	{"B", 1},
}

// String returns the size with the largest binary unit that divides it
// ("1MiB"), or the number of bytes.
func (b ByteSize) String() string {
	for _, unit := range []struct {
		suffix string
		size   ByteSize
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if b != 0 && b%unit.size == 0 {
			return strconv.FormatInt(int64(b/unit.size), 10) + unit.suffix
		}
	}
	return strconv.FormatInt(int64(b), 10)
}

// MarshalText returns the String form, for YAML and JSON.
func (b ByteSize) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalYAML reads a size such as 1048576 or "1MiB".
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	n = resolveAlias(n)
	if n.Kind != yaml.ScalarNode {
		return Problem{Line: n.Line, Message: "expected a size, found " + kindName(n), Hint: byteSizeHint}
	}
	if isNull(n) {
		*b = 0
		return nil
	}
	v, err := parseByteSize(n.Value)
	if err != nil {
		return Problem{Line: n.Line, Message: err.Error(), Hint: byteSizeHint}
	}
	*b = v
	return nil
}

const byteSizeHint = `write a number of bytes or a size such as "512KiB", "1MiB" or "1MB"`

func parseByteSize(s string) (ByteSize, error) {
	number, size := strings.TrimSpace(s), int64(1)
	for _, unit := range byteUnits {
		if rest, ok := strings.CutSuffix(number, unit.suffix); ok {
			number, size = strings.TrimSpace(rest), unit.size
			break
		}
	}
	n, err := strconv.ParseInt(number, 10, 64)
	if err != nil || number[0] == '+' {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	if n < 0 {
		return 0, fmt.Errorf("negative size %q", s)
	}
	if n > math.MaxInt64/size {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return ByteSize(n * size), nil
}

// resolveAlias follows alias nodes to the node they name.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is a YAML null: ~, null, or nothing at all.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func nullAsEmpty(n *yaml.Node) string {
	if isNull(n) {
		return ""
	}
	return n.Value
}

// kindName names a node's kind for messages such as "expected a string,
// found a mapping".
func kindName(n *yaml.Node) string {
	switch resolveAlias(n).Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a scalar"
	default:
		return "an empty value"
	}
}
