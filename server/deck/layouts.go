package deck

import (
	"fmt"
	"html"
	"strings"
)

// byline is the HTML the server adds to a cover slide: the deck's
// subtitle, then who speaks, where and when (author, event, date), from
// the deck's front matter, so that an author writes them once and the
// cover, the page title and the export agree. "" when the deck has none.
func byline(m Meta) string {
	var b strings.Builder
	if m.Subtitle != "" {
		b.WriteString(`<p class="subtitle">` + html.EscapeString(m.Subtitle) + "</p>\n")
	}
	var parts []string
	for _, p := range [][2]string{{"byline-author", m.Author}, {"byline-event", m.Event}, {"byline-date", m.Date}} {
		if p[1] != "" {
			parts = append(parts, `<span class="`+p[0]+`">`+html.EscapeString(p[1])+"</span>")
		}
	}
	if len(parts) > 0 {
		b.WriteString(`<p class="byline">` + strings.Join(parts, "") + "</p>\n")
	}
	return b.String()
}

// sectionNumber is the HTML the server puts at the top of the nth section
// slide (a chapter opener): its number, two digits, for the layout to
// show large beside the chapter's title.
func sectionNumber(n int) string {
	return fmt.Sprintf("<p class=\"section-number\">%02d</p>\n", n)
}
