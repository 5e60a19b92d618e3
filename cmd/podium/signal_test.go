package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// slowDeck writes a deck that takes seconds of CPU to load: 6,000
// slides with highlighted code.
func slowDeck(t *testing.T) string {
	t.Helper()
	files := map[string]string{}
	for c := range 4 {
		var b strings.Builder
		for i := range 1500 {
			if i > 0 {
				b.WriteString("\n---\n\n")
			}
			fmt.Fprintf(&b, "# Slide %d\n\n```go\nfunc f%d(x int) int {\n\tfor i := 0; i < x; i++ {\n\t\tx += i * %d\n\t}\n\treturn x\n}\n```\n\n* one %d\n* two\n\nNote: note %d\n",
				i, i, i, i, i)
		}
		files[fmt.Sprintf("%02d.md", c)] = b.String()
	}
	return writeDeck(t, files)
}

// cpuTime is the CPU time the process pid has used so far, from
// /proc/pid/stat (utime + stime, in clock ticks of 1/100 s).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc stat: %q", b)
	}
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return time.Duration(u+s) * 10 * time.Millisecond, nil
}

// TestSignalDuringLoad: SIGINT or SIGTERM while a long deck loads stops
// "podium check" and "podium serve" at once with exit status 130,
// before anything claims the deck is fine or serving.
func TestSignalDuringLoad(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc to know the load has started")
	}
	bin := buildPodium(t)
	dir := slowDeck(t)
	// What the process spends before main installs its handler (package
	// initialisation, more of it under -race) is what "podium help" costs
	// in all: the load has started once the process has spent that and
	// 0.3 s more.
	help := exec.Command(bin, "help")
	if err := help.Run(); err != nil {
		t.Fatal(err)
	}
	start := help.ProcessState.UserTime() + help.ProcessState.SystemTime()
	for _, tt := range []struct {
		name string
		args []string
		sig  syscall.Signal
		not  string // in stdout only if the load finished
	}{
		{"check SIGINT", []string{"check", dir}, syscall.SIGINT, "ok:"},
		{"check SIGTERM", []string{"check", dir}, syscall.SIGTERM, "ok:"},
		{"serve SIGINT", []string{"serve", "--addr", "127.0.0.1:0", dir}, syscall.SIGINT, "audience:"},
		{"serve SIGTERM", []string{"serve", "--addr", "127.0.0.1:0", dir}, syscall.SIGTERM, "audience:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			cmd := exec.Command(bin, tt.args...)
			cmd.Stdout, cmd.Stderr = &out, &errOut
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Signal once the process has spent 0.3 s of CPU more than its
			// start: by then its handler is installed and it is rendering
			// slides.
			for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(10 * time.Millisecond) {
				cpu, err := cpuTime(cmd.Process.Pid)
				if err != nil {
					t.Fatalf("process gone before the signal: %v\n%s", err, errOut.String())
				}
				if cpu >= start+300*time.Millisecond {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatal("the load never started")
				}
			}
			sent := time.Now()
			cmd.Process.Signal(tt.sig)
			err := cmd.Wait()
			took := time.Since(sent)
			code := cmd.ProcessState.ExitCode()
			if code != exitInterrupted {
				t.Errorf("exit %d (%v), want %d\nstdout: %.300s\nstderr: %s", code, err, exitInterrupted, out.String(), errOut.String())
			}
			if strings.Contains(out.String(), tt.not) {
				t.Errorf("the load finished before the signal took effect (stdout has %q): the deck is not slow enough or the signal was ignored", tt.not)
			}
			if !strings.Contains(errOut.String(), "interrupted while") {
				t.Errorf("stderr lacks the reason: %s", errOut.String())
			}
			t.Logf("exited %v after the signal", took.Round(time.Millisecond))
		})
	}
}

// TestOpenFilesCap runs the binary under a low open-files limit (soft
// 500, hard 1000): podium raises the soft limit to 1000, caps the
// audience at 1000 minus the reserve instead of --max-conns, and says so.
func TestOpenFilesCap(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("uses sh's ulimit")
	}
	bin := buildPodium(t)
	dir := writeDeck(t, map[string]string{"01.md": "# Hi\n"})
	cmd := exec.Command("/bin/sh", "-c", `ulimit -Sn 500 && ulimit -Hn 1000 && exec "$0" serve --addr 127.0.0.1:0 --max-conns 20000 "$1"`, bin, dir)
	var out, errOut syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("reserve=%d audience_cap=%d max_conns=20000", minReserve, 1000-minReserve)
	for deadline := time.Now().Add(time.Minute); !strings.Contains(errOut.String(), want) || !strings.Contains(out.String(), "audience:"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("startup log lacks %q:\n%s", want, errOut.String())
		}
	}
	if !strings.Contains(errOut.String(), "open_files=1000 ") {
		t.Errorf("the soft limit was not raised to the hard one:\n%s", errOut.String())
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", err, errOut.String())
	}
}
