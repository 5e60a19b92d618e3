package main

import (
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// starter holds the talk "podium new" writes, one folder per language:
// a few chapters that show every feature of the format.
//
//go:embed starter
var starter embed.FS

// starterLangs are the languages "podium new --lang" writes.
var starterLangs = []string{"en", "zh-CN"}

// newDeck is "podium new DIR": it writes the starter talk into DIR,
// which must not exist or be empty, so that nothing is ever overwritten.
func newDeck(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("new", flag.ContinueOnError)
	fl.SetOutput(stderr)
	lang := fl.String("lang", "en", "`language` of the starter talk: "+strings.Join(starterLangs, " or "))
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: podium new [--lang en|zh-CN] DIR\n\nWrites a small starter talk into DIR (new, or empty) that shows every feature of\nthe slide format: chapters, steps, notes, code highlights, math, a diagram, layouts.\n\nFlags:\n")
		fl.PrintDefaults()
	}
	rest, err := parseAnywhere(fl, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if len(rest) != 1 {
		fl.Usage()
		return exitUsage
	}
	src := ""
	for _, l := range starterLangs {
		if strings.EqualFold(l, *lang) {
			src = path.Join("starter", l)
		}
	}
	if src == "" {
		fmt.Fprintf(stderr, "podium: --lang %q: have %s\n", *lang, strings.Join(starterLangs, ", "))
		return exitUsage
	}
	dir := rest[0]
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		fmt.Fprintf(stderr, "podium: %s is not empty: podium new writes only into a new or empty folder\n", dir)
		return exitError
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintln(stderr, "podium:", err)
		return exitError
	}
	n, err := writeTree(starter, src, dir)
	if err != nil {
		fmt.Fprintln(stderr, "podium:", err)
		return exitError
	}
	fmt.Fprintf(stdout, "podium: wrote a starter talk in %s (%d files)\n\n  podium %s          present it (edits show as you save)\n  podium check %s    check it\n", dir, n, dir, dir)
	return exitOK
}

// writeTree copies the folder src of fsys to dir on disk, creating
// files that must not exist yet.
func writeTree(fsys fs.FS, src, dir string) (int, error) {
	n := 0
	err := fs.WalkDir(fsys, src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, src), "/")
		to := filepath.Join(dir, filepath.FromSlash(rel))
		if e.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		f, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return err
		}
		n++
		return f.Close()
	})
	return n, err
}
