package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/podium-talks/podium/server/deck"
)

// convert is "podium convert SRC -o DIR": it writes the deck SRC (a
// folder or a deck file of any dialect podium reads) as a podium deck
// folder DIR, which must be new or empty, and lists as warnings what
// could not be carried over.
func convert(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("convert", flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("o", "", "the new deck `folder` (must not exist, or be empty)")
	dialect := dialectFlag(fl)
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: podium convert SRC -o DIR\n\nWrites the deck SRC (a folder, or a .md, .Rmd, .slide or remark .html file) as a\npodium deck in DIR: chapter files of podium Markdown and the images they use.\nWhat could not be carried over is listed as warnings.\n\nFlags:\n")
		fl.PrintDefaults()
	}
	rest, err := parseAnywhere(fl, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if len(rest) != 1 || *out == "" {
		fl.Usage()
		return exitUsage
	}
	dia, err := deck.ParseDialect(*dialect)
	if err != nil {
		fmt.Fprintln(stderr, "podium: --dialect:", err)
		return exitUsage
	}
	if entries, err := os.ReadDir(*out); err == nil && len(entries) > 0 {
		fmt.Fprintf(stderr, "podium: %s is not empty: convert writes only into a new or empty folder\n", *out)
		return exitError
	}
	deckFS, where, file, err := openDeck(rest[0])
	if err != nil {
		fmt.Fprintln(stderr, "podium:", err)
		return exitError
	}
	type result struct {
		c   *deck.Converted
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := deck.NewLoaderWith(deckFS, deck.Options{File: file, Dialect: dia}).Convert()
		done <- result{c, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		fmt.Fprintln(stderr, "podium: interrupted; nothing written")
		return exitInterrupted
	}
	if r.err != nil {
		printErr(stderr, where, r.err)
		return exitError
	}
	c := r.c
	announce(stdout, file, c.Deck)
	if err := writeConverted(deckFS, c, *out); err != nil {
		fmt.Fprintln(stderr, "podium:", err)
		return exitError
	}
	if len(c.Warnings) > 0 {
		fmt.Fprintln(stdout, "not carried over:")
		printErr(stdout, where, deck.Problems(c.Warnings))
	}
	fmt.Fprintf(stdout, "podium: wrote %s: %d chapter(s), %d slides, %d asset(s)", *out, len(c.Chapters), len(c.Deck.Slides), len(c.Assets))
	if n := len(c.Warnings); n > 0 {
		fmt.Fprintf(stdout, ", %d warning(s)", n)
	}
	fmt.Fprintln(stdout)
	return exitOK
}

// writeConverted writes the chapters and copies the assets into dir,
// creating files that must not exist yet.
func writeConverted(src fs.FS, c *deck.Converted, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, data []byte) error {
		to := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
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
		return f.Close()
	}
	for _, ch := range c.Chapters {
		if err := write(ch.Name, []byte(ch.Text)); err != nil {
			return err
		}
	}
	for _, a := range c.Assets {
		if strings.HasSuffix(a, ".md") {
			continue // a chapter of the new deck, never an asset
		}
		data, err := fs.ReadFile(src, a)
		if err != nil {
			return fmt.Errorf("copying %s: %w", a, err)
		}
		if err := write(a, data); err != nil {
			return err
		}
	}
	return nil
}
