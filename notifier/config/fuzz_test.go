package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error is a
// non-empty Problems whose problems name the file, and that a config it
// accepts is complete enough to print.
func FuzzParse(f *testing.F) {
	full, err := os.ReadFile(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	seeds := []string{
		string(full),
		"",
		"listen: ${UNSET}\n",
		"a: &a [*a]\n",
		"channels: {ops: {slack: {webhook_url: x}}}\nrules: [{name: r, notify: [ops]}]\n",
		"rules:\n  - match: {fields: {a: {not: {not: {regex: x}}}}}\n",
		"<<: {listen: ':1'}\n",
		"--- 1\n--- 2\n",
		"templates: {t: {file: /dev/null}}\n",
		"\t\x00",
	}
	for _, seed := range seeds {
		f.Add([]byte(seed))
	}

	file := filepath.Join(f.TempDir(), "config.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data, file)
		if err != nil {
			var problems Problems
			if !errors.As(err, &problems) || len(problems) == 0 {
				t.Fatalf("error %q is not a non-empty Problems", err)
			}
			for _, p := range problems {
				if p.File == "" || p.Message == "" {
					t.Fatalf("problem %#v has no file or message", p)
				}
			}
			if cfg != nil {
				t.Fatalf("config %+v returned with an error", cfg)
			}
			return
		}
		if len(cfg.ChannelOrder) != len(cfg.Channels) || len(cfg.Rules) == 0 {
			t.Fatalf("incomplete config: order %q for %d channels, %d rules", cfg.ChannelOrder, len(cfg.Channels), len(cfg.Rules))
		}
		if _, err := cfg.Redacted(); err != nil {
			t.Fatalf("Redacted: %v", err)
		}
	})
}
