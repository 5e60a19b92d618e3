package export

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// bundle turns the ES module entry of the web folder, with the modules it
// imports, into one classic script. Chromium loads no module from a
// file:// page (each is a cross-origin request there), so the static
// export cannot use the modules as the live server does.
//
// It is no general bundler: podium's own modules use one import form
// (import {a, b as c} from "./x.js";) and three export forms (export
// function, export async function, export const), each at the start of a
// line, and bundle refuses any other top-level import or export rather
// than guess. Each module becomes a function scope that returns its
// exports; dynamic import() is left alone (view.js loads the morpher only
// for live edits, which a static copy never gets).
func bundle(web fs.FS, entry string) ([]byte, error) {
	var order []string
	bodies := map[string]string{}
	exports := map[string][]string{}
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name, from string) error
	visit = func(name, from string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("web/%s: import cycle through %s", from, name)
		case 2:
			return nil
		}
		state[name] = 1
		src, err := fs.ReadFile(web, name)
		if err != nil {
			return fmt.Errorf("web/%s: %w", name, err)
		}
		var out strings.Builder
		inTemplate := false // inside a template literal that spans lines
		for n, line := range strings.Split(string(src), "\n") {
			wasTemplate := inTemplate
			if strings.Count(line, "`")%2 == 1 {
				inTemplate = !inTemplate
			}
			switch {
			case !wasTemplate && strings.HasPrefix(strings.TrimSpace(line), "//"):
				// A comment line: the copy is for reading slides, not code.
			case strings.HasPrefix(line, "import"):
				m := importRE.FindStringSubmatch(line)
				if m == nil {
					return fmt.Errorf("web/%s:%d: import the bundler cannot read: %s", name, n+1, line)
				}
				dep := path.Join(path.Dir(name), m[2])
				if err := visit(dep, name); err != nil {
					return err
				}
				fmt.Fprintf(&out, "const {%s} = modules[%q];\n", strings.ReplaceAll(m[1], " as ", ": "), dep)
			case strings.HasPrefix(line, "export"):
				m := exportRE.FindStringSubmatch(line)
				if m == nil {
					return fmt.Errorf("web/%s:%d: export the bundler cannot read: %s", name, n+1, line)
				}
				exports[name] = append(exports[name], m[2])
				out.WriteString(strings.TrimPrefix(line, "export ") + "\n")
			default:
				out.WriteString(line + "\n")
			}
		}
		bodies[name] = out.String()
		state[name] = 2
		order = append(order, name)
		return nil
	}
	if err := visit(entry, entry); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("// podium: " + entry + " and its modules, as one classic script for file:// pages.\n")
	b.WriteString("(() => {\n\"use strict\";\nconst modules = {};\n")
	for _, name := range order {
		fmt.Fprintf(&b, "// ---- %s\nmodules[%q] = (() => {\n%sreturn {%s};\n})();\n", name, name, bodies[name], strings.Join(exports[name], ", "))
	}
	b.WriteString("})();\n")
	return b.Bytes(), nil
}

var (
	importRE = regexp.MustCompile(`^import\s*\{([\w$,\s]*)\}\s*from\s*"(\./[\w./-]+\.js)";?\s*$`)
	exportRE = regexp.MustCompile(`^export\s+(async\s+function\*?|function\*?|const|let|class)\s+([A-Za-z_$][\w$]*)`)
)
