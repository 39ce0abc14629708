package crashtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Build compiles cmd/fcnotify into a temporary directory of t and returns
// the binary's path. It runs `go build`, so the test must run inside the
// module.
func Build(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fcnotify")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/fcnotify/fcnotify/cmd/fcnotify")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// FreeAddress returns a loopback address whose port was free a moment
// ago. Another process may take it before fcnotify listens, in which case
// Start fails and the test reports it.
func FreeAddress(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Process is one running `fcnotify serve`. Its standard error, the log,
// is kept in memory.
type Process struct {
	cmd    *exec.Cmd
	url    string
	log    *syncBuffer
	exited chan struct{}
	err    error
}

// Start runs `bin serve --config config` and waits until /healthz at addr
// returns 200. The process is killed when the test ends, if still running.
func Start(t testing.TB, bin, config, addr string) *Process {
	t.Helper()
	p := &Process{url: "http://" + addr, log: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve", "--config", config)
	p.cmd.Stderr = p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start fcnotify: %v", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})

	if err := p.waitReady(30 * time.Second); err != nil {
		t.Fatalf("%v; log:\n%s", err, p.Log())
	}
	return p
}

func (p *Process) waitReady(timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			return fmt.Errorf("fcnotify exited before it was ready: %w", p.err)
		default:
		}
		resp, err := client.Get(p.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("fcnotify not ready after %v", timeout)
}

// URL returns the base URL of the server, such as http://127.0.0.1:41234.
func (p *Process) URL() string { return p.url }

// Log returns what the process wrote to standard error so far.
func (p *Process) Log() string { return p.log.String() }

// WaitLog waits until the log contains text, and reports false when the
// process exits or timeout passes first.
func (p *Process) WaitLog(text string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for !strings.Contains(p.Log(), text) {
		select {
		case <-p.exited:
			return strings.Contains(p.Log(), text)
		default:
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// Signal sends sig to the process.
func (p *Process) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Kill ends the process with SIGKILL, as a crash or an OOM kill would,
// and waits until it is gone.
func (p *Process) Kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// Wait waits up to timeout for the process to exit and returns its exit
// code, or an error when it is still running or died from a signal.
func (p *Process) Wait(timeout time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	select {
	case <-p.exited:
	case <-ctx.Done():
		return 0, fmt.Errorf("fcnotify still running after %v", timeout)
	}
	var exitErr *exec.ExitError
	if errors.As(p.err, &exitErr) {
		if status, ok := exitErr.Sys().(syscall.WaitStatus); ok && status.Signaled() {
			return 0, fmt.Errorf("fcnotify died from %v", status.Signal())
		}
		return exitErr.ExitCode(), nil
	}
	return 0, p.err
}

// syncBuffer is a log destination read while the process writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
