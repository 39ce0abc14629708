package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/console"
	"github.com/fcnotify/fcnotify/notifier/discord"
	"github.com/fcnotify/fcnotify/notifier/payload"
	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/server"
	"github.com/fcnotify/fcnotify/notifier/slack"
	"github.com/fcnotify/fcnotify/notifier/view"
)

type renderFlags struct {
	from     string
	hasFrom  bool
	showData bool
}

func newRenderCommand(g *globalFlags) *cobra.Command {
	f := &renderFlags{}
	cmd := &cobra.Command{
		Use:   "render PAYLOAD.json",
		Short: "Show which rules match a payload and the exact messages they would send; sends nothing",
		Long: "Render reads a webhook body from a file (or - for standard input), matches it against\n" +
			"the rules as a first sighting of its document (or as a change from --from), and prints\n" +
			"the Slack and Discord payloads each matching channel would receive.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.hasFrom = cmd.Flags().Changed("from")
			return runRender(cmd, g, f, args[0])
		},
	}
	cmd.Flags().StringVar(&f.from, "from", "", "treat the event as a change from this status")
	cmd.Flags().BoolVar(&f.showData, "data", false, "also print the data templates and conditions see")
	return cmd
}

func runRender(cmd *cobra.Command, g *globalFlags, f *renderFlags, file string) error {
	now := time.Now()
	compiled, err := loadCompiled(cmd, g, now)
	if err != nil {
		return err
	}
	cfg := compiled.Config

	body, err := readInput(cmd.InOrStdin(), file)
	if err != nil {
		return err
	}
	ev, err := payload.Parse(body, cfg.Time.SourceLocation)
	if err != nil {
		return fmt.Errorf("payload %q: %w", file, err)
	}
	ev.Received = now

	tr := notifier.Transition{Kind: notifier.KindFirst, To: ev.Status}
	if f.hasFrom {
		tr = notifier.Transition{Kind: notifier.KindChange, From: f.from, To: ev.Status}
	}
	data := view.Build(ev, tr, server.ViewOptions(cfg, now))

	out := cmd.OutOrStdout()
	if f.showData {
		printJSON(out, "data", data)
	}
	return printMatches(out, compiled, ev, tr, data)
}

func printMatches(out io.Writer, c *server.Compiled, ev *notifier.Event, tr notifier.Transition, data map[string]any) error {
	matches, errs := c.Rules.Match(ev, tr, data)
	for _, err := range errs {
		fmt.Fprintln(out, "condition error:", err)
	}
	if len(matches) == 0 {
		fmt.Fprintf(out, "no rule matches %q (%s, %q → %q)\n", ev.Name, tr.Kind, tr.From, tr.To)
		return nil
	}

	for _, m := range matches {
		tmpl := m.Template
		if tmpl == "" {
			tmpl = render.DefaultTemplateFor(ev.Name)
		}
		for _, ch := range m.Channels {
			platform := server.PlatformOf(c.Config.Channels[ch])
			fmt.Fprintf(out, "rule %q → channel %q (%s, template %q)\n", m.Rule, ch, platform, tmpl)
			msg, err := c.Renderer.Render(platform, tmpl, data, m.Mentions)
			if err != nil {
				fmt.Fprintln(out, "  render failed:", err)
				continue
			}
			if err := printPayload(out, platform, msg); err != nil {
				return err
			}
		}
	}
	return nil
}

func printPayload(out io.Writer, platform notifier.Platform, msg *notifier.Message) error {
	var body []byte
	var err error
	switch platform {
	case notifier.PlatformSlack:
		body, err = slack.PayloadJSON(msg)
	case notifier.PlatformDiscord:
		body, err = discord.PayloadJSON(msg)
	default:
		var b strings.Builder
		_, err = console.New(&b).Send(context.Background(), msg)
		fmt.Fprintln(out, b.String())
		return err
	}
	if err != nil {
		return err
	}
	// slack-go marshals blocks with HTML escaping (\u003c for <). Decoding
	// and encoding again shows the payload as a reader expects it.
	var decoded any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&decoded); err != nil {
		return fmt.Errorf("read %s payload: %w", platform, err)
	}
	printJSON(out, "", decoded)
	return nil
}

func printJSON(out io.Writer, label string, v any) {
	// Payloads keep < and > as they are, so Slack links stay readable.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(v)
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if err != nil {
		fmt.Fprintln(out, "cannot print", label+":", err)
		return
	}
	if label != "" {
		fmt.Fprintln(out, label+":")
	}
	fmt.Fprintln(out, string(b))
}

func readInput(stdin io.Reader, file string) ([]byte, error) {
	if file == "-" {
		return io.ReadAll(stdin)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read payload: %w", err)
	}
	return b, nil
}
