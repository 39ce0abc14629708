package config

import "time"

// Secret is a string that prints, marshals and logs as "[redacted]".
// Reveal returns the real value.
type Secret string

// StringList is one string or a list of strings in YAML.
type StringList []string

// Duration is a time.Duration written as "45s", "2m" or "24h" in YAML.
type Duration time.Duration

// ByteSize is a size written as "1MiB", "512KiB" or a number of bytes.
type ByteSize int64
