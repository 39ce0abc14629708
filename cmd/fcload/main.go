// Command fcload measures a real fcnotify server on loopback. It starts
// fcnotify serve with a generated configuration whose rules post every
// event to fake Slack and Discord servers in this process, or to console
// channels. It then sends unique Frappe Cloud webhook bodies in a closed
// or open loop. The report gives accepted webhooks per second, response
// times, the time from request to chat post, lost and duplicate posts,
// and the server's peak resident memory.
//
//	fcload --concurrency 64 --requests 20000
//	fcload --rate 50 --duration 60s --channels 128
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// options are the command-line flags.
type options struct {
	bin         string
	concurrency int
	requests    int
	duration    time.Duration
	rate        float64
	channels    int
	sink        string
	drain       time.Duration
	jsonOut     bool
	keep        bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("fcload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.bin, "bin", "", "path of the fcnotify binary; empty builds one with go build into a temporary directory")
	fs.IntVar(&o.concurrency, "concurrency", 16, "requests in flight in a closed loop")
	fs.IntVar(&o.requests, "requests", 0, "number of requests to send; 0 sends until --duration ends")
	fs.DurationVar(&o.duration, "duration", 0, "how long to send; 0 with --requests 0 means 10s")
	fs.Float64Var(&o.rate, "rate", 0, "requests per second in an open loop; 0 runs a closed loop at --concurrency")
	fs.IntVar(&o.channels, "channels", 1, "channels per platform that events are spread over, since the server paces each channel")
	fs.StringVar(&o.sink, "sink", sinkChat, "where rules post: chat (fake Slack and Discord) or console (unpaced, read from the server's output)")
	fs.DurationVar(&o.drain, "drain", 30*time.Second, "how long to wait after the last response for every accepted event to be posted; 0 skips the delivery check")
	fs.BoolVar(&o.jsonOut, "json", false, "print the report as JSON instead of a table")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory with the configuration, database and server log")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q: fcload takes flags only", fs.Arg(0))
	}
	return o, o.validate()
}

func (o *options) validate() error {
	switch {
	case o.concurrency < 1:
		return fmt.Errorf("invalid --concurrency %d: use 1 or more", o.concurrency)
	case o.requests < 0 || o.duration < 0 || o.rate < 0 || o.drain < 0:
		return errors.New("--requests, --duration, --rate and --drain must not be negative")
	case o.channels < 1 || o.channels > 1000:
		return fmt.Errorf("invalid --channels %d: use 1 to 1000", o.channels)
	case o.sink != sinkChat && o.sink != sinkConsole:
		return fmt.Errorf("invalid --sink %q: use chat or console", o.sink)
	}
	if o.requests == 0 && o.duration == 0 {
		o.duration = 10 * time.Second
	}
	return nil
}

func main() {
	opts, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fcload:", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opts, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fcload:", err)
		os.Exit(1)
	}
}

// run sets up the sink and the server, applies the load and prints the
// report.
func run(ctx context.Context, o options, stdout, stderr io.Writer) error {
	dir, err := os.MkdirTemp("", "fcload-")
	if err != nil {
		return fmt.Errorf("create temporary directory: %w", err)
	}
	if o.keep {
		fmt.Fprintln(stderr, "fcload: keeping", dir)
	} else {
		defer func() { _ = os.RemoveAll(dir) }()
	}

	if o.bin == "" {
		if o.bin, err = buildBinary(ctx, dir); err != nil {
			return err
		}
	}
	events, err := newEventSource(o.channels, time.Now().UTC())
	if err != nil {
		return err
	}

	report, err := measure(ctx, o, dir, events)
	if err != nil {
		return err
	}
	if o.jsonOut {
		return writeJSON(stdout, report)
	}
	return writeTable(stdout, report)
}

// measure runs one benchmark against a fresh server and state directory.
func measure(ctx context.Context, o options, dir string, events *eventSource) (Report, error) {
	listen, err := freeAddress()
	if err != nil {
		return Report{}, err
	}
	st := setup{listen: listen, dbPath: filepath.Join(dir, "state", "fcnotify.db"), shards: o.channels, sink: o.sink}
	snk, serverOut, err := openSink(&st)
	if err != nil {
		return Report{}, err
	}
	defer snk.close()

	cfgPath := filepath.Join(dir, "fcnotify.yaml")
	if err := writeConfig(cfgPath, st); err != nil {
		return Report{}, err
	}
	srv, err := startServer(o.bin, cfgPath, listen, filepath.Join(dir, "fcnotify.log"), serverOut)
	if serverOut != nil {
		serverOut.Close() // the server holds its own copy
	}
	if err != nil {
		return Report{}, err
	}
	if err := srv.waitReady(ctx, 15*time.Second); err != nil {
		_ = srv.stop(serverStopTimeout) // the readiness error is the one to report
		return Report{}, err
	}

	report := Report{Mode: "closed", Concurrency: o.concurrency, Shards: o.channels, Sink: o.sink}
	if o.rate > 0 {
		report.Mode, report.Concurrency, report.Rate = "open", 0, o.rate
	}
	outcomes, elapsed := applyLoad(ctx, o, srv.baseURL+"/webhook", events)
	summarizeLoad(&report, outcomes, elapsed)
	if o.drain > 0 {
		drainStart := time.Now()
		posts, drained := waitDelivered(ctx, snk, acceptedTokens(outcomes), o.drain)
		report.Drain, report.Drained = time.Since(drainStart).Seconds(), drained
		summarizePosts(&report, outcomes, posts, snk.platforms())
	}

	report.PeakRSS, err = srv.peakRSS()
	if stopErr := srv.stop(serverStopTimeout); err == nil {
		err = stopErr
	}
	return report, err
}

// serverStopTimeout covers fcnotify's default 10 s shutdown grace for
// sends in flight and its HTTP shutdown.
const serverStopTimeout = 30 * time.Second

// openSink starts where the rules post, fills in the URLs of st, and
// returns the file the server must use as standard output, or nil.
func openSink(st *setup) (sink, *os.File, error) {
	if st.sink == sinkConsole {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, nil, fmt.Errorf("create pipe for console output: %w", err)
		}
		return startConsoleSink(r), w, nil
	}
	fakes := startChatFakes()
	st.slackURL, st.discordURL = fakes.slack.WebhookURL(), fakes.discord.WebhookURL()
	return fakes, nil, nil
}

// applyLoad sends requests as set by the options and returns their
// outcomes and the time from the first request to the last response.
func applyLoad(ctx context.Context, o options, url string, events *eventSource) ([]outcome, time.Duration) {
	begin := time.Now()
	lim := limits{requests: o.requests}
	if o.duration > 0 {
		lim.deadline = begin.Add(o.duration)
	}

	if o.rate > 0 {
		outcomes := runOpen(ctx, newLoader(url, events, 256), o.rate, lim)
		return outcomes, time.Since(begin)
	}
	outcomes := runClosed(ctx, newLoader(url, events, o.concurrency), o.concurrency, lim)
	return outcomes, time.Since(begin)
}

func acceptedTokens(outcomes []outcome) map[string]bool {
	want := map[string]bool{}
	for _, o := range outcomes {
		if o.accepted() {
			want[o.token] = true
		}
	}
	return want
}
