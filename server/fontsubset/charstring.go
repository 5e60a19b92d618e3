package fontsubset

import "errors"

// A CJK face's subroutines are a megabyte; the glyphs of a deck call a
// few percent of them. usedSubrs runs the kept glyphs' Type 2
// charstrings (Adobe Technical Note #5177) far enough to see which
// subroutines they call, so that the others can become a bare return.
// Only what decides a call is followed: the operand stack (a call's
// number is the operand before it) and the stem count (a hintmask's
// length depends on it). A charstring that computes a subroutine's number
// with the arithmetic operators, or anything else unexpected, ends the
// walk with errSubrs, and the caller keeps every subroutine.

var errSubrs = errors.New("fontsubset: charstring outside what the subroutine walk follows")

// errSeac is the deprecated endchar that draws an accented character out
// of two other glyphs, which the subset would have to keep too.
var errSeac = errors.New("fontsubset: endchar as seac (accented glyphs built from others)")

const (
	csReturn   = 11
	csCallsubr = 10
	csCallg    = 29
	maxNesting = 10 // the format's limit on nested subroutine calls
)

// subrs is one INDEX of subroutines, and which of them were called.
type subrs struct {
	items [][]byte
	used  []bool
}

func newSubrs(items [][]byte) *subrs { return &subrs{items: items, used: make([]bool, len(items))} }

// bias is the number added to a call's operand (Type 2 §4.7).
func (s *subrs) bias() int {
	switch n := len(s.items); {
	case n < 1240:
		return 107
	case n < 33900:
		return 1131
	default:
		return 32768
	}
}

// write is the INDEX's items, with every subroutine not called replaced
// by a return when prune: the numbers of the others, and so the calls,
// stay the same.
func (s *subrs) write(prune bool) [][]byte {
	if !prune {
		return s.items
	}
	out := make([][]byte, len(s.items))
	ret := []byte{csReturn}
	for i, it := range s.items {
		out[i] = ret
		if s.used[i] {
			out[i] = it
		}
	}
	return out
}

// glyphWalk is the state of one charstring run.
type glyphWalk struct {
	local, global *subrs
	stack         []int
	stems         int
	steps         *int // bytes read by all the walks of a subset, to bound a hostile font
}

// maxSteps bounds the bytes all of a subset's walks read: 6,000
// characters of Noto Sans CJK read 2.4 million. Past it, every
// subroutine is kept.
const maxSteps = 1 << 24

// walkGlyph marks the subroutines glyph cs calls, directly or not;
// steps counts the bytes read across calls.
func walkGlyph(cs []byte, local, global *subrs, steps *int) error {
	w := &glyphWalk{local: local, global: global, steps: steps}
	_, err := w.run(cs, 0)
	return err
}

// run interprets cs; done reports an endchar.
func (w *glyphWalk) run(cs []byte, depth int) (done bool, err error) {
	if depth > maxNesting {
		return false, errSubrs
	}
	for i := 0; i < len(cs); {
		if *w.steps++; *w.steps > maxSteps {
			return false, errSubrs
		}
		b := int(cs[i])
		switch {
		case b == 28:
			if i+3 > len(cs) {
				return false, errSubrs
			}
			w.push(int(int16(uint16(cs[i+1])<<8 | uint16(cs[i+2]))))
			i += 3
			continue
		case b >= 32 && b <= 246:
			w.push(b - 139)
			i++
			continue
		case b >= 247 && b <= 250:
			if i+2 > len(cs) {
				return false, errSubrs
			}
			w.push((b-247)*256 + int(cs[i+1]) + 108)
			i += 2
			continue
		case b >= 251 && b <= 254:
			if i+2 > len(cs) {
				return false, errSubrs
			}
			w.push(-(b-251)*256 - int(cs[i+1]) - 108)
			i += 2
			continue
		case b == 255: // 16.16 fixed: never a subroutine number
			if i+5 > len(cs) {
				return false, errSubrs
			}
			w.push(int(int32(uint32(cs[i+1])<<24|uint32(cs[i+2])<<16|uint32(cs[i+3])<<8|uint32(cs[i+4]))) >> 16)
			i += 5
			continue
		}
		i++
		switch b {
		case 1, 3, 18, 23: // hstem, vstem, hstemhm, vstemhm
			w.stems += len(w.stack) / 2
			w.stack = w.stack[:0]
		case 19, 20: // hintmask, cntrmask: an implicit vstem first
			w.stems += len(w.stack) / 2
			w.stack = w.stack[:0]
			i += (w.stems + 7) / 8
		case csCallsubr, csCallg:
			s := w.local
			if b == csCallg {
				s = w.global
			}
			if s == nil || len(w.stack) == 0 {
				return false, errSubrs
			}
			n := w.stack[len(w.stack)-1] + s.bias()
			w.stack = w.stack[:len(w.stack)-1]
			if n < 0 || n >= len(s.items) {
				return false, errSubrs
			}
			s.used[n] = true
			done, err := w.run(s.items[n], depth+1)
			if err != nil || done {
				return done, err
			}
		case csReturn:
			return false, nil
		case endchar:
			if len(w.stack) >= 4 {
				return false, errSeac
			}
			return true, nil
		case 12:
			// The arithmetic, storage and conditional operators could
			// compute a call's number; the flex operators (35–37, 34)
			// only draw.
			if i >= len(cs) {
				return false, errSubrs
			}
			if op := cs[i]; op < 34 || op > 37 {
				return false, errSubrs
			}
			i++
			w.stack = w.stack[:0]
		default:
			if b > 31 || b == 0 || b == 2 || b == 9 || b == 13 || b == 15 || b == 16 || b == 17 {
				return false, errSubrs // reserved
			}
			w.stack = w.stack[:0] // a drawing operator
		}
	}
	return false, nil
}

func (w *glyphWalk) push(v int) {
	if len(w.stack) < 48 {
		w.stack = append(w.stack, v)
	}
}
