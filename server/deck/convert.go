package deck

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Converted is a deck written out as podium's own format, for "podium
// convert": chapter files of podium Markdown, the folder's files they use,
// and what could not be carried over.
type Converted struct {
	// Chapters are the chapter files to write, in order: Name is the
	// file name in the new deck folder, Text its podium Markdown.
	Chapters []ConvertedFile
	// Assets are the files of the deck folder the slides use (slash
	// paths), to copy beside the chapters: the chapters refer to them by
	// the same relative paths.
	Assets []string
	// Warnings list what the new deck lacks, located in the source.
	Warnings []Problem
	// Deck is the source deck as loaded, to compare the result with.
	Deck *Deck
}

// ConvertedFile is one chapter file of a converted deck.
type ConvertedFile struct {
	Name, Text string
}

// Convert loads the deck and returns it as podium Markdown. A Go present
// file is translated to podium Markdown to be read at all (present.go),
// so its translation is the new chapter; a podium deck is itself. The
// other dialects need their reader's podium form of each slide, which is
// not there yet: Convert then fails, saying so, rather than write a deck
// that would show their notes or markers as text.
func (l *Loader) Convert() (*Converted, error) {
	d, err := l.Load()
	if err != nil {
		return nil, err
	}
	c := &Converted{Deck: d, Warnings: slices.Clone(d.Warnings)}
	files, _ := l.chapterFiles()
	for i, f := range files {
		text, _, p := readChapter(l.fsys, f, &l.rbuf)
		if p != nil {
			return nil, Problems{*p}
		}
		tr, ps := translate(l.fsys, f, text, l.opt.Dialect)
		if ps != nil {
			return nil, Problems(ps)
		}
		dia := d.Dialect
		if tr != nil && (strings.EqualFold(path.Ext(f), ".slide") || l.opt.Dialect == DialectPresent) {
			dia, text = DialectPodium, tr.text
		} else if tr != nil {
			text = tr.text
		}
		if dia != "" && dia != DialectPodium {
			return nil, Problems{{File: f, Msg: fmt.Sprintf("convert: a %s deck cannot be converted yet: its reader does not give podium's form of its slides", dia.Tool())}}
		}
		name := strings.TrimSuffix(path.Base(f), path.Ext(f))
		if !strings.HasSuffix(f, ".md") || len(files) == 1 {
			name = fmt.Sprintf("%02d-%s", i+1, strings.TrimLeft(name, "0123456789-_. "))
			if strings.HasSuffix(name, "-") {
				name += "talk"
			}
		}
		c.Chapters = append(c.Chapters, ConvertedFile{Name: name + ".md", Text: text})
	}
	for a := range d.Assets {
		c.Assets = append(c.Assets, a)
	}
	slices.Sort(c.Assets)
	return c, nil
}
