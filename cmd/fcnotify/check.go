package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/server"
)

func newCheckCommand(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Check the configuration: load it, compile every template and condition, render samples",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd, g)
			if err != nil {
				return err
			}
			now := time.Now()
			compiled, err := server.Compile(cfg, render.Options{
				DisplayZone: cfg.Time.DisplayLocation,
				Now:         func() time.Time { return now },
			})
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{code: 2}
			}
			problems := append(compiled.CheckRendering(now), compiled.CheckCalmRendering(now)...)
			if len(problems) > 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), problems)
				return exitError{code: 2}
			}
			for _, w := range compiled.CalmWarnings() {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w.Error())
			}

			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok: %d channels, %d rules, %d templates\n",
				cfg.File, len(cfg.Channels), len(cfg.Rules), len(compiled.Renderer.Names()))
			return nil
		},
	}
}
