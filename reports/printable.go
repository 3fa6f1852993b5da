package reports

import (
	"bufio"
	"strings"
	"unicode/utf8"
)

// printable makes s safe to show: invalid UTF-8 becomes U+FFFD and control
// characters other than tab, newline and carriage return become their
// Unicode control pictures (␀, ␛, ...), so a binary body cannot garble
// the page.
func printable(s string) string {
	return strings.Map(printableRune, strings.ToValidUTF8(s, "\uFFFD"))
}

// printableRune is what printable shows for one valid character.
func printableRune(r rune) rune {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return r
	case r < 0x20:
		return 0x2400 + r
	case r == 0x7f:
		return 0x2421
	case r >= 0x80 && r < 0xa0:
		return '\uFFFD'
	}
	return r
}

// printableWriter applies printable to a stream as it passes, so a page
// is made printable without being whole in memory. Its output for any
// split of a text into writes is printable of the whole text.
type printableWriter struct {
	out *bufio.Writer
	// pending is the start of a character that the next write may
	// complete: a lead byte and at most two continuation bytes.
	pending  [utf8.UTFMax]byte
	npending int
	// invalid says the last byte was invalid UTF-8: like
	// strings.ToValidUTF8, a run of such bytes becomes one U+FFFD.
	invalid bool
	err     error
}

func newPrintableWriter(out *bufio.Writer) *printableWriter {
	return &printableWriter{out: out}
}

// Write converts p, keeping back a character p ends in the middle of.
func (w *printableWriter) Write(p []byte) (int, error) {
	n := len(p)
	if w.npending > 0 {
		k := copy(w.pending[w.npending:], p)
		joined := w.pending[:w.npending+k]
		if !utf8.FullRune(joined) {
			w.npending = len(joined)
			return n, w.err
		}
		// The pending bytes are all decided now (continuation bytes never
		// start a character), so what is left undecided came from p.
		undecided := w.convert(joined)
		p = p[k-len(undecided):]
		w.npending = 0
	}
	w.npending = copy(w.pending[:], w.convert(p))
	if w.err != nil {
		return 0, w.err
	}
	return n, nil
}

// Close ends the stream: a character left unfinished is invalid, as it
// is at the end of a string. It does not flush out.
func (w *printableWriter) Close() error {
	if w.npending > 0 && !w.invalid {
		w.writeRune(utf8.RuneError)
	}
	w.npending, w.invalid = 0, true
	return w.err
}

// convert writes p made printable and returns its undecided end: the
// start of a character cut by the end of p.
func (w *printableWriter) convert(p []byte) []byte {
	kept := 0 // p[kept:i] is shown as it is
	for i := 0; i < len(p); {
		if j := i + plainPrefix(p[i:]); j > i {
			i = j
			w.invalid = false
			continue
		}
		r, size := rune(p[i]), 1
		if r >= utf8.RuneSelf {
			if !utf8.FullRune(p[i:]) {
				w.write(p[kept:i])
				return p[i:]
			}
			r, size = utf8.DecodeRune(p[i:])
		}
		invalid := r == utf8.RuneError && size == 1
		shown := printableRune(r)
		if !invalid && shown == r {
			i += size
			w.invalid = false
			continue
		}
		w.write(p[kept:i])
		if !invalid {
			w.writeRune(shown)
		} else if !w.invalid {
			w.writeRune(utf8.RuneError)
		}
		w.invalid = invalid
		i += size
		kept = i
	}
	w.write(p[kept:])
	return nil
}

// plainBytes are the ASCII bytes shown as they are: most of a page.
var plainBytes = func() (t [256]bool) {
	for b := 0x20; b < 0x7f; b++ {
		t[b] = true
	}
	t['\t'], t['\n'], t['\r'] = true, true, true
	return t
}()

// plainPrefix is the length of the run of plain ASCII bytes p starts with.
func plainPrefix(p []byte) int {
	for i, b := range p {
		if !plainBytes[b] {
			return i
		}
	}
	return len(p)
}

func (w *printableWriter) write(p []byte) {
	if _, err := w.out.Write(p); err != nil && w.err == nil {
		w.err = err
	}
}

func (w *printableWriter) writeRune(r rune) {
	if _, err := w.out.WriteRune(r); err != nil && w.err == nil {
		w.err = err
	}
}
