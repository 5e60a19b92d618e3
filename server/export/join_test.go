package export

import (
	"bytes"
	"testing"
)

// The parts of join that Chromium's PDFs of the talk (TestPDFTalk,
// TestPDFSteps) do not reach: references inside strings, ParentTree
// values that are arrays, IDTree keys written both ways.

func TestMapRefs(t *testing.T) {
	t.Parallel()
	in := `<</Title (see 3 0 R \) 4 0 R) /Dest [3 0 R /XYZ 0 10 0] /K [0 13 0 R 2] /ID <3320302052> /P 13 0 R>>`
	want := `<</Title (see 3 0 R \) 4 0 R) /Dest [103 0 R /XYZ 0 10 0] /K [0 113 0 R 2] /ID <3320302052> /P 113 0 R>>`
	if got := mapRefs([]byte(in), func(n int) int { return n + 100 }); string(got) != want {
		t.Errorf("mapRefs:\n got %s\nwant %s", got, want)
	}
}

func TestShiftNums(t *testing.T) {
	t.Parallel()
	var w bytes.Buffer
	if err := shiftNums(&w, []byte("0 61 0 R 1 [39 0 R 40 0 R]\n2 62 0 R"), 10, func(n int) int { return n + 1000 }); err != nil {
		t.Fatal(err)
	}
	if want := "10 1061 0 R 11 [1039 0 R 1040 0 R] 12 1062 0 R "; w.String() != want {
		t.Errorf("shiftNums = %q, want %q", w.String(), want)
	}
	if err := shiftNums(&w, []byte("0 /Foo"), 0, nil); err == nil {
		t.Error("a ParentTree value that is neither a reference nor an array was taken")
	}
}

func TestSortNames(t *testing.T) {
	t.Parallel()
	got, err := sortNames([]byte(`(b) 5 0 R <61> 6 0 R (a\051) 7 0 R (a) 8 0 R`))
	if err != nil {
		t.Fatal(err)
	}
	// "a" twice (hex and literal): the first stays. a) sorts after a.
	if want := "<61> 6 0 R <6129> 7 0 R <62> 5 0 R"; string(got) != want {
		t.Errorf("sortNames = %s, want %s", got, want)
	}
}
