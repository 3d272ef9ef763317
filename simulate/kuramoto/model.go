package kuramoto

import (
	"fmt"
	"math"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/ode"
	"github.com/roma-go/roma/stages/par"
)

// rowBlock is the number of rows per parallel block of the node loops. These
// loops reduce nothing across rows, so the block size only affects load
// balance, never results.
const rowBlock = 4096

// Model is the Kuramoto right-hand side on a weighted graph. It implements
// ode.System; Eval allocates no vectors. A Model holds scratch space, so one
// Model must not be evaluated from several goroutines at once.
type Model struct {
	P     Params       // coupling schedule
	W     *graph.CSR   // coupling weights, rows = receivers, columns = senders
	Omega []float64    // natural frequencies
	sc    [][2]float64 // (sin θ, cos θ) per node, interleaved for the gather
	dy    []float64    // scratch derivative for the velocity observable
	parts [][2]float64 // per-block partial sums of the order parameter
}

var _ ode.System = (*Model)(nil)

// NewModel checks w and omega and allocates a model's scratch space.
func NewModel(w *graph.CSR, omega []float64, p Params) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n := w.N
	if len(omega) != n || len(w.Ptr) != n+1 || w.Ptr[0] != 0 || int(w.Ptr[n]) != len(w.Col) || len(w.Val) != len(w.Col) {
		return nil, fmt.Errorf("kuramoto: inconsistent sizes: N %d, %d frequencies, %d row pointers, %d columns, %d values",
			n, len(omega), len(w.Ptr), len(w.Col), len(w.Val))
	}
	for i := 0; i < n; i++ {
		if w.Ptr[i+1] < w.Ptr[i] {
			return nil, fmt.Errorf("kuramoto: row pointers decrease at row %d", i)
		}
	}
	for j, c := range w.Col {
		if c < 0 || int(c) >= n {
			return nil, fmt.Errorf("kuramoto: column %d at entry %d is outside [0, %d)", c, j, n)
		}
	}
	return &Model{P: p, W: w, Omega: omega,
		sc:    make([][2]float64, n),
		dy:    make([]float64, n),
		parts: make([][2]float64, (n+par.Block-1)/par.Block),
	}, nil
}

// Dim is the number of oscillators.
func (m *Model) Dim() int { return m.W.N }

// Eval sets dy_r = ω_r + K(t)·Σ_s w_sr·sin(θ_s − θ_r). It takes sin and cos
// of every phase once, then makes one pass over the weights that gathers
// (sin θ_s, cos θ_s) together and uses
// sin(θ_s − θ_r) = sin θ_s cos θ_r − cos θ_s sin θ_r.
func (m *Model) Eval(t float64, theta, dy []float64) {
	k := m.P.Coupling(t)
	sc, omega := m.sc, m.Omega
	ptr, col, val := m.W.Ptr, m.W.Col, m.W.Val
	n := m.W.N
	theta, dy = theta[:n], dy[:n]
	par.For(n, rowBlock, func(lo, hi int) { sincosInto(sc[lo:hi], theta[lo:hi]) })
	par.For(n, rowBlock, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			p0, p1 := ptr[r], ptr[r+1]
			cs, ws := col[p0:p1], val[p0:p1]
			ws = ws[:len(cs)]
			var ss, cc float64
			for j, c := range cs {
				w, q := ws[j], &sc[c]
				ss += w * q[0]
				cc += w * q[1]
			}
			own := sc[r]
			dy[r] = omega[r] + k*(ss*own[1]-cc*own[0])
		}
	})
}

// OrderParameter returns R = |⟨e^{iθ}⟩|, the Kuramoto order parameter, as a
// block-ordered parallel sum (identical on any number of cores).
func (m *Model) OrderParameter(theta []float64) float64 {
	n := len(theta)
	if n == 0 {
		return 0
	}
	parts := m.parts
	if len(parts) < (n+par.Block-1)/par.Block {
		parts = make([][2]float64, (n+par.Block-1)/par.Block)
	}
	par.For(n, par.Block, func(lo, hi int) {
		var buf [256][2]float64
		var s, c float64
		for i := lo; i < hi; i += len(buf) {
			j := min(hi, i+len(buf))
			b := buf[:j-i]
			sincosInto(b, theta[i:j])
			for _, v := range b {
				s += v[0]
				c += v[1]
			}
		}
		parts[lo/par.Block] = [2]float64{s, c}
	})
	var s, c float64
	for _, p := range parts[:(n+par.Block-1)/par.Block] {
		s += p[0]
		c += p[1]
	}
	return math.Hypot(s, c) / float64(n)
}

// Observable names accepted by Observe.
const (
	// Velocity is the phase velocity dθ/dt, the right-hand side at (t, θ).
	Velocity = "velocity"
	// OneMinusCos is (1 − cos θ)/2 ∈ [0, 1].
	OneMinusCos = "one_minus_cos"
	// Phase is the unwrapped phase θ itself.
	Phase = "phase"
)

// Observables lists the names Observe accepts.
var Observables = []string{Velocity, OneMinusCos, Phase}

// CheckObservable returns an error unless name is one of Observables.
func CheckObservable(name string) error {
	switch name {
	case Velocity, OneMinusCos, Phase:
		return nil
	}
	return fmt.Errorf("kuramoto: unknown observable %q (want one of %q)", name, Observables)
}

// Observe fills out (length N) with the named observable of the state θ at
// time t, rounded to float32. The phase needs no unwrapping: the integrator
// state is already continuous in time.
func (m *Model) Observe(name string, t float64, theta []float64, out []float32) error {
	if err := CheckObservable(name); err != nil {
		return err
	}
	n := m.W.N
	if len(theta) != n || len(out) != n {
		return fmt.Errorf("kuramoto: observe %q: state %d and output %d, want %d", name, len(theta), len(out), n)
	}
	switch name {
	case Velocity:
		m.Eval(t, theta, m.dy)
		dy := m.dy
		par.For(n, rowBlock, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				out[i] = float32(dy[i])
			}
		})
	case OneMinusCos:
		// (1 − cos θ)/2 = sin²(θ/2), without cancellation near θ = 0.
		par.For(n, rowBlock, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				s := math.Sin(0.5 * theta[i])
				out[i] = float32(s * s)
			}
		})
	case Phase:
		par.For(n, rowBlock, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				out[i] = float32(theta[i])
			}
		})
	}
	return nil
}
