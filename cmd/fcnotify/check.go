package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func newCheckCommand(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Check the configuration: load it, compile every template and condition, render samples",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			compiled, err := loadCompiled(cmd, g, now)
			if err != nil {
				return err
			}
			cfg := compiled.Config
			problems := append(compiled.CheckRendering(now), compiled.CheckCalmRendering(now)...)
			if len(problems) > 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), problems)
				return exitError{code: 2}
			}
			warnings := append(compiled.VocabularyWarnings(), compiled.CalmWarnings()...)
			for _, w := range warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w.Error())
			}

			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok: %d channels, %d rules, %d templates\n",
				cfg.File, len(cfg.Channels), len(cfg.Rules), len(compiled.Renderer.Names()))
			return nil
		},
	}
}
