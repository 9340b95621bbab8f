package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// run is one line of the commands file:
//
//	NAME [OPTION=VALUE ...] -- ARG ...
//
// NAME is unique in the file and may contain letters, digits, '.', '_' and
// '-'. The ARGs are passed to /nlctl. Single and double quotes group words
// as in a shell, without escapes or expansion. Options:
//
//	timeout=DURATION     kill the run after this long and count it as failed
//	                     (default 60s)
//	stop-after=DURATION  send the stop signal after this long, for commands
//	                     that run until stopped, such as monitor
//	signal=INT|TERM      the stop signal (default INT)
//	exit=N               the expected exit code (default 0)
//	background=true      start the next line without waiting for this one
//
// Blank lines and lines starting with '#' are ignored.
type run struct {
	name       string
	args       []string
	timeout    time.Duration
	stopAfter  time.Duration
	stopSignal syscall.Signal
	wantExit   int
	background bool
}

const defaultTimeout = 60 * time.Second

var runNamePattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

func parseRuns(text string) ([]run, error) {
	var runs []run
	seen := make(map[string]bool)
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := parseRun(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		if seen[r.name] {
			return nil, fmt.Errorf("line %d: duplicate run name %q", i+1, r.name)
		}
		seen[r.name] = true
		runs = append(runs, r)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("no runs listed")
	}
	return runs, nil
}

func parseRun(line string) (run, error) {
	words, err := splitWords(line)
	if err != nil {
		return run{}, err
	}
	sep := -1
	for i, w := range words {
		if w == "--" {
			sep = i
			break
		}
	}
	if sep < 1 {
		return run{}, fmt.Errorf("expected NAME [OPTION=VALUE ...] -- ARG ..., got %q", line)
	}

	r := run{
		name:       words[0],
		args:       words[sep+1:],
		timeout:    defaultTimeout,
		stopSignal: syscall.SIGINT,
	}
	if !runNamePattern.MatchString(r.name) {
		return run{}, fmt.Errorf("invalid run name %q: use letters, digits, '.', '_' and '-'", r.name)
	}
	for _, option := range words[1:sep] {
		if err := r.setOption(option); err != nil {
			return run{}, fmt.Errorf("run %s: %w", r.name, err)
		}
	}
	if r.stopAfter > 0 && r.stopAfter >= r.timeout {
		return run{}, fmt.Errorf("run %s: stop-after %v must be shorter than timeout %v", r.name, r.stopAfter, r.timeout)
	}
	return r, nil
}

func (r *run) setOption(option string) error {
	key, value, found := strings.Cut(option, "=")
	if !found {
		return fmt.Errorf("invalid option %q: expected KEY=VALUE", option)
	}

	var err error
	switch key {
	case "timeout":
		r.timeout, err = parsePositiveDuration(value)
	case "stop-after":
		r.stopAfter, err = parsePositiveDuration(value)
	case "signal":
		switch value {
		case "INT":
			r.stopSignal = syscall.SIGINT
		case "TERM":
			r.stopSignal = syscall.SIGTERM
		default:
			err = fmt.Errorf("unsupported signal %q: use INT or TERM", value)
		}
	case "exit":
		r.wantExit, err = strconv.Atoi(value)
	case "background":
		r.background, err = strconv.ParseBool(value)
	default:
		return fmt.Errorf("unknown option %q", key)
	}
	if err != nil {
		return fmt.Errorf("option %s: %w", key, err)
	}
	return nil
}

func parsePositiveDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d <= 0 {
		return 0, fmt.Errorf("duration %q must be positive", s)
	}
	return d, nil
}

// splitWords splits a line at spaces and tabs. Quotes group words and are
// removed. There are no escapes.
func splitWords(line string) ([]string, error) {
	var (
		words   []string
		current strings.Builder
		inWord  bool
		quote   rune
	)
	for _, c := range line {
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			current.WriteRune(c)
		case c == '\'' || c == '"':
			quote = c
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, current.String())
				current.Reset()
				inWord = false
			}
		default:
			current.WriteRune(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote in %q", quote, line)
	}
	if inWord {
		words = append(words, current.String())
	}
	return words, nil
}
