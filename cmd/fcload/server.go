package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"
)

// fcnotifyPackage is built when no --bin is given.
const fcnotifyPackage = "github.com/fcnotify/fcnotify/cmd/fcnotify"

// buildBinary builds fcnotify into dir as the Dockerfile does: static,
// without cgo and without symbols. It must run inside the module.
func buildBinary(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "fcnotify")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, fcnotifyPackage)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build %s: %w (run inside the fcnotify module or pass --bin)", fcnotifyPackage, err)
	}
	return bin, nil
}

// freeAddress returns a loopback address with a port that was free a
// moment ago. Another process could take it before fcnotify listens, in
// which case the server fails to start and the run must be repeated.
func freeAddress() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free loopback port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// setup holds the addresses and paths the generated configuration uses.
type setup struct {
	listen   string
	dbPath   string
	shards   int
	sink     string // sinkChat or sinkConsole
	slackURL string
	// discordURL is a webhook URL without a query; the Discord sender
	// adds wait=true.
	discordURL string
}

// Sinks the rules can post to.
const (
	sinkChat    = "chat"
	sinkConsole = "console"
)

// writeConfig writes an fcnotify configuration to path: one secret, and
// per shard a rule that sends every event of the shard, repeats included,
// to the shard's channels.
func writeConfig(path string, s setup) error {
	channels := map[string]any{}
	var rules []map[string]any
	for i := range s.shards {
		label := shardLabel(i)
		var notify []string
		if s.sink == sinkConsole {
			notify = []string{"console-" + label}
			channels[notify[0]] = map[string]any{"console": map[string]any{}}
		} else {
			notify = []string{"slack-" + label, "discord-" + label}
			channels[notify[0]] = map[string]any{"slack": map[string]any{"webhook_url": s.slackURL}}
			channels[notify[1]] = map[string]any{"discord": map[string]any{"webhook_url": s.discordURL}}
		}

		match := map[string]any{"event": "*", "repeats": true}
		if s.shards > 1 {
			match["fields"] = map[string]any{"load_shard": label}
		}
		rules = append(rules, map[string]any{"name": "load-" + label, "match": match, "notify": notify})
	}

	cfg := map[string]any{
		"listen":   s.listen,
		"webhook":  map[string]any{"secrets": []map[string]any{{"value": webhookSecret}}},
		"state":    map[string]any{"path": s.dbPath},
		"channels": channels,
		"rules":    rules,
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("encode configuration: %w", err)
	}
	return os.WriteFile(path, out, 0o600)
}

// serverProcess is a running fcnotify serve.
type serverProcess struct {
	cmd     *exec.Cmd
	baseURL string
	logPath string
	exited  chan error
}

// startServer runs bin serve with the configuration at cfgPath. Its log
// goes to logPath and its standard output to stdout, or to the null
// device when stdout is nil.
func startServer(bin, cfgPath, listen, logPath string, stdout *os.File) (*serverProcess, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--config", cfgPath)
	cmd.Stderr = logFile
	if stdout != nil {
		cmd.Stdout = stdout
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %q: %w", bin, err)
	}

	p := &serverProcess{cmd: cmd, baseURL: "http://" + listen, logPath: logPath, exited: make(chan error, 1)}
	go func() {
		p.exited <- cmd.Wait()
		logFile.Close()
	}()
	return p, nil
}

// waitReady polls /healthz until it returns 200, the process exits or
// timeout passes.
func (p *serverProcess) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.exited:
			p.exited <- err
			return fmt.Errorf("fcnotify exited before it was ready (%w); its log: %s", err, p.logTail())
		default:
		}
		resp, err := http.Get(p.baseURL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if !sleepUntil(ctx, time.Now().Add(20*time.Millisecond)) {
			return ctx.Err()
		}
	}
	return fmt.Errorf("fcnotify not ready after %s; its log: %s", timeout, p.logTail())
}

// peakRSS returns the process's peak resident set size (VmHWM) in KiB.
func (p *serverProcess) peakRSS() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("read peak memory: %w", err)
	}
	defer f.Close()

	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		value, found := strings.CutPrefix(scanner.Text(), "VmHWM:")
		if !found {
			continue
		}
		kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse VmHWM %q: %w", value, err)
		}
		return kib, nil
	}
	return 0, errors.New("read peak memory: no VmHWM line in /proc status")
}

// stop sends SIGTERM and waits for a clean exit, killing the process
// after timeout.
func (p *serverProcess) stop(timeout time.Duration) error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop fcnotify: %w", err)
	}
	select {
	case err := <-p.exited:
		if err != nil {
			return fmt.Errorf("fcnotify exited with %w; its log: %s", err, p.logTail())
		}
		return nil
	case <-time.After(timeout):
		_ = p.cmd.Process.Kill() // it may have exited on its own meanwhile
		exitErr := <-p.exited
		return fmt.Errorf("fcnotify did not stop within %s and was killed: %w", timeout, exitErr)
	}
}

// logTail returns the last lines of the server log for error messages.
func (p *serverProcess) logTail() string {
	data, err := os.ReadFile(p.logPath)
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 10 {
		lines = lines[len(lines)-10:]
	}
	return "\n" + strings.Join(lines, "\n")
}
