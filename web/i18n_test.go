package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// messages reads the message tables of i18n.js: the value of
// `export const MESSAGES = ` is JSON by the module's own rule, so a
// JSON decoder reads it as the browser does, and a table that is not
// JSON fails here before it ships.
func messages(t *testing.T) map[string]map[string]any {
	t.Helper()
	src, err := fs.ReadFile(FS, "i18n.js")
	if err != nil {
		t.Fatal(err)
	}
	const decl = "export const MESSAGES = "
	at := bytes.Index(src, []byte(decl))
	if at < 0 {
		t.Fatalf("web/i18n.js: no %q", decl)
	}
	line := 1 + bytes.Count(src[:at], []byte("\n"))
	dec := json.NewDecoder(bytes.NewReader(src[at+len(decl):]))
	var tables map[string]map[string]any
	if err := dec.Decode(&tables); err != nil {
		t.Fatalf("web/i18n.js:%d: MESSAGES is not JSON: %v", line, err)
	}
	if len(tables) < 2 || tables["en"] == nil || tables["zh-CN"] == nil {
		t.Fatalf("web/i18n.js:%d: want at least the en and zh-CN tables, have %d", line, len(tables))
	}
	return tables
}

// TestMessageTablesHaveTheSameKeys: a key only in one table would read
// English (the fallback) in a Chinese talk, or name a message English
// never had.
func TestMessageTablesHaveTheSameKeys(t *testing.T) {
	tables := messages(t)
	en := tables["en"]
	for lang, table := range tables {
		if lang == "en" {
			continue
		}
		for k := range en {
			if _, ok := table[k]; !ok {
				t.Errorf("web/i18n.js: %q is in en but not in %s", k, lang)
			}
		}
		for k := range table {
			if _, ok := en[k]; !ok {
				t.Errorf("web/i18n.js: %q is in %s but not in en", k, lang)
			}
		}
	}
}

// TestMessageValues: every message is a string or plural forms with an
// "other" (and, in English, a "one"), the forms of a plural message use
// the count, and every language fills the same {names} as English does.
func TestMessageValues(t *testing.T) {
	tables := messages(t)
	for lang, table := range tables {
		for k, v := range table {
			forms, err := formsOf(v)
			if err != nil {
				t.Errorf("web/i18n.js: %s.%s: %v", lang, k, err)
				continue
			}
			if _, plain := forms[""]; !plain {
				if forms["other"] == "" {
					t.Errorf("web/i18n.js: %s.%s: plural forms without \"other\"", lang, k)
				}
				if lang == "en" && forms["one"] == "" {
					t.Errorf("web/i18n.js: en.%s: plural forms without \"one\"", k)
				}
			}
			enForms, err := formsOf(tables["en"][k])
			if err != nil {
				continue
			}
			want := placeholders(enForms)
			for form, s := range forms {
				if got := placeholders(map[string]string{form: s}); !slices.Equal(got, want) {
					t.Errorf("web/i18n.js: %s.%s (%s) fills %v, en fills %v", lang, k, form, got, want)
				}
			}
		}
	}
}

// formsOf returns a message's forms: {"": s} for a plain string.
func formsOf(v any) (map[string]string, error) {
	switch v := v.(type) {
	case string:
		return map[string]string{"": v}, nil
	case map[string]any:
		forms := map[string]string{}
		for form, s := range v {
			str, ok := s.(string)
			if !ok {
				return nil, fmt.Errorf("plural form %q is %T, want a string", form, s)
			}
			switch form {
			case "zero", "one", "two", "few", "many", "other":
			default:
				return nil, fmt.Errorf("%q is no plural category of Intl.PluralRules", form)
			}
			if !strings.Contains(str, "{n}") {
				return nil, fmt.Errorf("plural form %q does not show the count {n}", form)
			}
			forms[form] = str
		}
		return forms, nil
	case nil:
		return nil, fmt.Errorf("missing")
	default:
		return nil, fmt.Errorf("%T, want a string or plural forms", v)
	}
}

// placeholders lists the distinct {names} of the forms, sorted.
func placeholders(forms map[string]string) []string {
	var names []string
	for _, s := range forms {
		for {
			i := strings.IndexByte(s, '{')
			if i < 0 {
				break
			}
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				break
			}
			names = append(names, s[i+1:i+j])
			s = s[i+j+1:]
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
