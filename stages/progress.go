package stages

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Progress reports how far a long loop has come: a progress bar on a
// terminal, plain log lines every Interval otherwise (batch jobs, CI logs).
type Progress struct {
	desc     string
	total    int64
	done     atomic.Int64
	bar      *progressbar.ProgressBar
	w        io.Writer
	start    time.Time
	last     time.Time
	Interval time.Duration
}

// NewProgress starts reporting on w for a loop of total units.
func NewProgress(w io.Writer, desc string, total int64) *Progress {
	p := &Progress{desc: desc, total: total, w: w, start: time.Now(), Interval: 10 * time.Second}
	p.last = p.start
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(desc), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(200*time.Millisecond))
	}
	return p
}

// Add records n more units done. Call it from one goroutine.
func (p *Progress) Add(n int64) {
	done := p.done.Add(n)
	if p.bar != nil {
		_ = p.bar.Add64(n)
		return
	}
	if now := time.Now(); now.Sub(p.last) >= p.Interval {
		p.last = now
		el := now.Sub(p.start)
		eta := time.Duration(float64(el) * float64(p.total-done) / float64(max(done, 1)))
		fmt.Fprintf(p.w, "%s: %d/%d (%.0f%%) elapsed %s eta %s\n", p.desc, done, p.total,
			100*float64(done)/float64(max(p.total, 1)), el.Round(time.Second), eta.Round(time.Second))
	}
}

// Finish closes the bar or prints a final line.
func (p *Progress) Finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		return
	}
	fmt.Fprintf(p.w, "%s: done %d in %s\n", p.desc, p.done.Load(), time.Since(p.start).Round(time.Millisecond))
}
