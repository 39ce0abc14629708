package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/fcnotify/fcnotify/notifier/config"
)

// durationFlag is a command-line duration written as in the
// configuration file, so "7d" works as well as "36h".
type durationFlag struct{ d time.Duration }

func (f *durationFlag) String() string {
	if f.d == 0 {
		return ""
	}
	return config.Duration(f.d).String()
}

func (f *durationFlag) Set(text string) error {
	d, err := config.ParseDuration(text)
	if err != nil {
		return fmt.Errorf(`write a duration such as "30m", "2h" or "7d"`)
	}
	f.d = d
	return nil
}

func (f *durationFlag) Type() string { return "duration" }

// parseIDs reads the numeric row IDs given as arguments. An invalid one
// is reported with the command that lists the valid ones.
func parseIDs(args []string, what, lister string) ([]int64, error) {
	ids := make([]int64, 0, len(args))
	for _, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid %s ID %q: use the numbers from `%s`", what, a, lister)
		}
		ids = append(ids, id)
	}
	return ids, nil
}
