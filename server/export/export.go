// Package export turns a deck into what leaves the room: a PDF for the
// organisers (printed by headless Chromium from the very pages the
// audience sees) and a static copy of the talk for any web host or a
// file:// folder. cmd/podium's "export" command is Run; the live server
// builds the audience's download with Talk.PDF.
//
// Speaker notes reach an output only through PDFOptions.Notes (a handout);
// the static copy has no way to carry them.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/podium-talks/podium/server/deck"
	"github.com/podium-talks/podium/server/diagram"
)

// Config is one export, as cmd/podium parses it from flags.
type Config struct {
	Deck, Themes, Web fs.FS
	// DeckOptions are the deck's: its one file (podium export FILE), its
	// dialect.
	DeckOptions deck.Options
	// DeckName names the deck in messages and picks the default output
	// name (its base name; "talk" when empty).
	DeckName string
	Format   string // "pdf" (default) or "html"
	Theme    string // overrides the deck's theme when not empty
	Steps    bool   // PDF: a page per step
	Notes    bool   // PDF: a handout with the speaker notes
	// Out is the PDF file or the HTML folder; empty means NAME.pdf or
	// NAME-html/ in the current folder.
	Out string
	// Browser is the Chromium to print with; empty means look on PATH.
	Browser string
	// Progress receives the progress lines; nil means none.
	Progress io.Writer
}

// Run exports the deck as c says. A deck with errors writes nothing and
// fails with deck.Problems.
func Run(ctx context.Context, c Config) error {
	switch c.Format {
	case "", "pdf", "html":
	default:
		return fmt.Errorf("unknown format %q (have pdf, html)", c.Format)
	}
	if c.Format == "html" && (c.Steps || c.Notes) {
		return errors.New("--steps and --notes are for --format pdf: the static copy has every step and never the notes")
	}
	progress := c.Progress
	if progress == nil {
		progress = io.Discard
	}
	start := time.Now()
	// One Chromium draws the diagrams and prints. For a PDF it starts
	// before the deck loads, so the two overlap (and an export without a
	// browser stops before rendering what cannot be printed); for the
	// static copy it starts only if the deck has a diagram; without a
	// Chromium there, the copy's diagrams stay as their source.
	var b *Browser
	var browser func() (context.Context, error) // b's tab, starting b if need be
	if c.Format != "html" {
		path, err := FindBrowser(c.Browser)
		if err != nil {
			return err
		}
		b = StartBrowser(ctx, path, "")
		browser = b.Tab
	} else if path, err := FindBrowser(c.Browser); err != nil && c.Browser != "" {
		return err // asked for by name: say it is not there
	} else if err == nil {
		var once sync.Once
		browser = func() (context.Context, error) {
			once.Do(func() { b = StartBrowser(ctx, path, "") })
			return b.Tab()
		}
	}
	defer func() {
		if b != nil {
			b.Close()
		}
	}()
	opt := c.DeckOptions
	if browser != nil {
		r := diagram.NewIn(browser)
		defer r.Close()
		opt.Diagram = r.Render
	}
	t, err := LoadWith(c.Deck, c.Themes, c.Web, c.Theme, opt)
	if err := ctx.Err(); err != nil {
		return err // an interrupt, not the deck's diagrams failing
	}
	if err != nil {
		return err
	}
	out := c.Out
	if out == "" {
		out = defaultName(c.DeckName)
		if c.Format == "html" {
			out += "-html"
		} else {
			out += ".pdf"
		}
	}
	if c.Format == "html" {
		site, err := t.HTML()
		if err != nil {
			return err
		}
		if err := site.Write(out); err != nil {
			return err
		}
		fmt.Fprintf(progress, "podium: wrote %s (%d slides, %d files) in %s\n",
			filepath.Join(out, "index.html"), len(t.Deck.Slides), len(site), since(start))
		return nil
	}
	tty := isTerminal(progress)
	pdf, err := t.PDF(ctx, PDFOptions{
		Session: b, Steps: c.Steps, Notes: c.Notes,
		Progress: func(done, total int) {
			if done < total {
				line(progress, tty, fmt.Sprintf("podium: laying out %d/%d pages", done, total))
			} else {
				line(progress, tty, fmt.Sprintf("podium: printing %d pages", total))
			}
		},
	})
	if tty {
		fmt.Fprint(progress, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeFile(out, pdf); err != nil {
		return err
	}
	fmt.Fprintf(progress, "podium: wrote %s (%d slides, %d pages, %d KB) in %s\n",
		out, len(t.Deck.Slides), len(t.pages(c.Steps)), (len(pdf)+1023)/1024, since(start))
	return nil
}

// line shows a progress line: rewritten in place on a terminal, one per
// line elsewhere (a log, a CI run).
func line(w io.Writer, tty bool, s string) {
	if tty {
		fmt.Fprintf(w, "\r\033[K%s", s)
		return
	}
	fmt.Fprintln(w, s)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }

// defaultName is the output's base name: the deck folder's name, or for
// the built-in talk (no folder) "talk".
func defaultName(deckName string) string {
	n := filepath.Base(filepath.Clean(deckName))
	if deckName == "" || n == "." || n == string(filepath.Separator) || strings.ContainsAny(n, " ") {
		return "talk"
	}
	return n
}
