// Package config loads fcnotify's YAML configuration: it expands ${VAR}
// references, decodes strictly (unknown keys are errors), reads the
// *_file forms, fills in defaults and validates every section, reporting
// all problems at once with the file, line and YAML path of each.
//
// A loaded Config is read-only and safe to share. Secrets in it are of
// type Secret, which prints as "[redacted]" everywhere but Reveal.
package config
