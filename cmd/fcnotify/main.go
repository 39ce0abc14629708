// Command fcnotify receives Frappe Cloud webhooks and posts rule-matched
// alerts to Slack, Discord or the console.
package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // zone data for time.source_zone and display_zone on hosts without it

	"github.com/spf13/cobra"

	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/server"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// exitError carries a process exit code through cobra.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func main() {
	err := newRootCommand(os.Stdout, os.Stderr).Execute()
	var exit exitError
	switch {
	case errors.As(err, &exit):
		os.Exit(exit.code)
	case err != nil:
		fmt.Fprintln(os.Stderr, "fcnotify:", err)
		os.Exit(1)
	}
}

// globalFlags are the flags every subcommand shares.
type globalFlags struct {
	config    string
	logLevel  string
	logFormat string
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	g := &globalFlags{}
	root := &cobra.Command{
		Use:           "fcnotify",
		Short:         "Post Frappe Cloud webhook events to Slack and Discord",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVarP(&g.config, "config", "c", "config.yaml", "path of the YAML configuration file")
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	root.PersistentFlags().StringVar(&g.logFormat, "log-format", "text", "log format: text or json")

	root.AddCommand(
		newServeCommand(g),
		newCheckCommand(g),
		newRenderCommand(g),
		newDeliveriesCommand(g),
		newSitesCommand(g, time.Now),
		newMuteCommand(g, time.Now),
		newMutesCommand(g, time.Now),
		newVersionCommand(),
	)
	return root
}

// loadConfig loads the configuration and prints its problems, one per
// line, to stderr.
func loadConfig(cmd *cobra.Command, g *globalFlags) (*config.Config, error) {
	cfg, err := config.Load(g.config)
	if err != nil {
		fmt.Fprintln(cmd.ErrOrStderr(), err)
		return nil, exitError{code: 2}
	}
	return cfg, nil
}

// loadCompiled loads the configuration and compiles its rules and
// templates with a renderer clock stopped at now, printing every problem.
func loadCompiled(cmd *cobra.Command, g *globalFlags, now time.Time) (*server.Compiled, error) {
	cfg, err := loadConfig(cmd, g)
	if err != nil {
		return nil, err
	}
	compiled, err := server.Compile(cfg, render.Options{
		DisplayZone: cfg.Time.DisplayLocation,
		Now:         func() time.Time { return now },
	})
	if err != nil {
		fmt.Fprintln(cmd.ErrOrStderr(), err)
		return nil, exitError{code: 2}
	}
	return compiled, nil
}

func newLogger(w io.Writer, g *globalFlags) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
		return nil, fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", g.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(g.logFormat) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("invalid --log-format %q: use text or json", g.logFormat)
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the fcnotify version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "fcnotify", version)
		},
	}
}
