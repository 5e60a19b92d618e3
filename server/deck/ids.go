package deck

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// srcSum identifies a normalized slide source (128 bits of its SHA-256).
type srcSum [16]byte

// publicID is a slide's base ID: a hash of what every audience device is
// sent anyway (the slide's HTML, title and step count), never of its
// source. The source holds the notes, HTML comments, raw HTML that the
// safe renderer drops, and the chapter's file name; any of these in the
// hash could be recovered from the ID by brute force ("PIN is 4831" in a
// note takes milliseconds against 32 bits). A hash of public output can
// only be brute-forced to what the audience already has, needs no key to
// keep or lose, and is the same on every start of the server, so a
// persisted position survives a restart. See "Slide IDs" in the package
// doc for the alternatives weighed.
func publicID(title, html string, steps int) string {
	h := sha256.New()
	h.Write([]byte(title))
	h.Write([]byte{0})
	h.Write([]byte(html))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, int64(steps), 10))
	return hex.EncodeToString(h.Sum(nil)[:4])
}

// dupID is the k-th further ID of base (k >= 2), for slides whose base ID
// is taken by an earlier one.
func dupID(base string, k int) string {
	sum := sha256.Sum256([]byte(base + "#" + strconv.Itoa(k)))
	return hex.EncodeToString(sum[:4])
}

// assignIDs gives every slide of d its ID. Without a previous deck a slide's
// ID is its base ID (publicID: a hash of its public rendering), made
// unique in deck order. With one, IDs are reconciled:
//
//  1. a slide whose source equals an old slide's takes that slide's ID,
//     preferring the same chapter file, in order (so moved and duplicated
//     slides keep theirs);
//  2. within each chapter, the unmatched slides between two matched
//     neighbours (or a chapter end) are paired, order kept and most shared
//     lines first, with the unmatched old slides between the same
//     neighbours: an edited slide keeps its ID;
//  3. the rest take their base ID, made unique.
//
// Before all that, a deck that looks the same to the audience as prev
// (same chapters, same public rendering slide by slide) keeps prev's IDs
// by position: only notes or invisible source changed, and audience
// devices must not hear of it, not even as two look-alike slides trading
// IDs because their notes were swapped.
func assignIDs(d *Deck, prev *Deck) {
	cur := d.Slides
	if samePublic(cur, prev) {
		for i, s := range cur {
			s.ID = prev.Slides[i].ID
		}
		return
	}
	ids := make([]string, len(cur))
	used := make(map[string]bool, len(cur))
	if prev != nil {
		old := prev.Slides
		taken := make([]bool, len(old))
		match := make([]int, len(cur)) // index into old, or -1
		for i := range match {
			match[i] = -1
		}
		// 1. Equal sources, same file first, then anywhere.
		type fileSrc struct {
			file string
			sum  srcSum
		}
		byFile := make(map[fileSrc][]int, len(old))
		bySrc := make(map[srcSum][]int, len(old))
		for j, s := range old {
			byFile[fileSrc{s.File, s.sum}] = append(byFile[fileSrc{s.File, s.sum}], j)
			bySrc[s.sum] = append(bySrc[s.sum], j)
		}
		// pop takes the first old slide of *q not taken yet and drops the
		// taken ones from the front of *q, so that n equal slides cost
		// O(n) in all, not O(n²).
		pop := func(q *[]int) int {
			for len(*q) > 0 {
				j := (*q)[0]
				*q = (*q)[1:]
				if !taken[j] {
					taken[j] = true
					return j
				}
			}
			return -1
		}
		for i, s := range cur {
			k := fileSrc{s.File, s.sum}
			q := byFile[k]
			match[i] = pop(&q)
			byFile[k] = q
		}
		for i, s := range cur {
			if match[i] < 0 {
				q := bySrc[s.sum]
				match[i] = pop(&q)
				bySrc[s.sum] = q
			}
		}
		// 2. Edited slides, chapter by chapter.
		oldByFile := make(map[string][]int, len(prev.Chapters))
		for j, s := range old {
			oldByFile[s.File] = append(oldByFile[s.File], j)
		}
		for _, ch := range d.Chapters {
			pairEdited(ch, oldByFile[ch.File], old, match, taken)
		}
		for i := range cur {
			if j := match[i]; j >= 0 && !used[old[j].ID] {
				ids[i] = old[j].ID
				used[ids[i]] = true
			}
		}
	}
	// 3. Fresh IDs. next remembers, per base ID, the k to try next: the
	// i-th of n equal slides would otherwise try k = 2…i again, and n
	// equal slides would cost O(n²) hashes (10,000 took 11 s).
	next := make(map[string]int)
	for i, s := range cur {
		if ids[i] != "" {
			continue
		}
		base, id := s.ID, s.ID
		if used[id] {
			k := max(next[base], 2)
			for id = dupID(base, k); used[id]; k++ {
				id = dupID(base, k+1)
			}
			next[base] = k + 1
		}
		ids[i] = id
		used[id] = true
	}
	for i, s := range cur {
		s.ID = ids[i]
	}
}

// samePublic reports whether the slides cur, before IDs are assigned,
// render as prev's do, in the same chapters.
func samePublic(cur []*Slide, prev *Deck) bool {
	if prev == nil || len(prev.Slides) != len(cur) {
		return false
	}
	for i, s := range cur {
		if o := prev.Slides[i]; o.pub != s.pub || o.File != s.File || o.Chapter != s.Chapter {
			return false
		}
	}
	return true
}

// pairEdited runs step 2 of assignIDs for one chapter. oldIdx are the old
// deck's slides of the same file, in order.
func pairEdited(ch *Chapter, oldIdx []int, old []*Slide, match []int, taken []bool) {
	if len(oldIdx) == 0 {
		return
	}
	pos := make(map[int]int, len(oldIdx)) // old deck index → position in chapter
	for p, j := range oldIdx {
		pos[j] = p
	}
	// Anchors: matched slides whose old twin is in this chapter, reduced to
	// the longest run that keeps the old order (moved slides are not
	// anchors).
	type anchor struct{ cur, old int } // positions within the chapters
	var cand []anchor
	for p, s := range ch.Slides {
		if j := match[s.Index]; j >= 0 {
			if op, ok := pos[j]; ok {
				cand = append(cand, anchor{p, op})
			}
		}
	}
	anchors := make([]anchor, 0, len(cand)+2)
	anchors = append(anchors, anchor{-1, -1})
	for _, k := range longestIncreasing(cand, func(a anchor) int { return a.old }) {
		anchors = append(anchors, cand[k])
	}
	anchors = append(anchors, anchor{len(ch.Slides), len(oldIdx)})
	for k := 1; k < len(anchors); k++ {
		a, b := anchors[k-1], anchors[k]
		var nc, no []int // deck indexes of unmatched slides in the gap
		for p := a.cur + 1; p < b.cur; p++ {
			if i := ch.Slides[p].Index; match[i] < 0 {
				nc = append(nc, i)
			}
		}
		for p := a.old + 1; p < b.old; p++ {
			if j := oldIdx[p]; !taken[j] {
				no = append(no, j)
			}
		}
		if len(nc) == 0 || len(no) == 0 {
			continue
		}
		for _, pr := range align(nc, no, func(i int) string { return old[i].norm }, func(i int) string {
			return ch.Slides[i-ch.Slides[0].Index].norm
		}) {
			match[pr[0]] = pr[1]
			taken[pr[1]] = true
		}
	}
}

// longestIncreasing returns the indexes of a longest subsequence of xs
// whose keys strictly increase.
func longestIncreasing[T any](xs []T, key func(T) int) []int {
	if len(xs) == 0 {
		return nil
	}
	tails := []int{} // tails[l] = index of the smallest tail of a run of length l+1
	prev := make([]int, len(xs))
	for i, x := range xs {
		lo, hi := 0, len(tails)
		for lo < hi {
			m := (lo + hi) / 2
			if key(xs[tails[m]]) < key(x) {
				lo = m + 1
			} else {
				hi = m
			}
		}
		prev[i] = -1
		if lo > 0 {
			prev[i] = tails[lo-1]
		}
		if lo == len(tails) {
			tails = append(tails, i)
		} else {
			tails[lo] = i
		}
	}
	out := make([]int, len(tails))
	for k, i := len(tails)-1, tails[len(tails)-1]; k >= 0; k, i = k-1, prev[i] {
		out[k] = i
	}
	return out
}

// maxAlign bounds the alignment table; bigger gaps (a chapter rewritten
// wholesale) are paired in order.
const maxAlign = 4096

// align pairs new slides nc with old slides no, keeping order and
// maximizing 1 + shared lines per pair, so equal-sized gaps pair up fully
// and an inserted slide does not steal the ID of an edited one.
func align(nc, no []int, oldSrc func(int) string, curSrc func(int) string) [][2]int {
	n, m := len(nc), len(no)
	if n*m > maxAlign {
		var out [][2]int
		for k := 0; k < n && k < m; k++ {
			out = append(out, [2]int{nc[k], no[k]})
		}
		return out
	}
	w := make([][]int, n)
	oldLines := make([]map[string]bool, m)
	for j := range no {
		oldLines[j] = lineSet(oldSrc(no[j]))
	}
	for i := range nc {
		w[i] = make([]int, m)
		cl := lineSet(curSrc(nc[i]))
		for j := range no {
			shared := 0
			for l := range cl {
				if oldLines[j][l] {
					shared++
				}
			}
			w[i][j] = 1 + shared
		}
	}
	dp := make([][]int, n+1)
	for i := range dp {
		dp[i] = make([]int, m+1)
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			best := max(dp[i-1][j], dp[i][j-1])
			if v := dp[i-1][j-1] + w[i-1][j-1]; v > best {
				best = v
			}
			dp[i][j] = best
		}
	}
	var out [][2]int
	for i, j := n, m; i > 0 && j > 0; {
		switch {
		case dp[i][j] == dp[i-1][j-1]+w[i-1][j-1]:
			out = append(out, [2]int{nc[i-1], no[j-1]})
			i, j = i-1, j-1
		case dp[i][j] == dp[i-1][j]:
			i--
		default:
			j--
		}
	}
	return out
}

func lineSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			set[l] = true
		}
	}
	return set
}

// Nearest returns the index in cur of the slide with the given id. When cur
// has no such slide (it was deleted), it returns the index of the slide
// nearest to where id was in old that survives in cur, looking at the
// following slide first, then the preceding one, then further out. It
// returns 0 when nothing helps (id unknown, nil decks).
func Nearest(old, cur *Deck, id string) int {
	if cur == nil || len(cur.Slides) == 0 {
		return 0
	}
	at := make(map[string]int, len(cur.Slides))
	for i, s := range cur.Slides {
		at[s.ID] = i
	}
	if i, ok := at[id]; ok {
		return i
	}
	if old == nil {
		return 0
	}
	p := -1
	for i, s := range old.Slides {
		if s.ID == id {
			p = i
			break
		}
	}
	if p < 0 {
		return 0
	}
	for d := 1; p+d < len(old.Slides) || p-d >= 0; d++ {
		if p+d < len(old.Slides) {
			if i, ok := at[old.Slides[p+d].ID]; ok {
				return i
			}
		}
		if p-d >= 0 {
			if i, ok := at[old.Slides[p-d].ID]; ok {
				return i
			}
		}
	}
	return 0
}
