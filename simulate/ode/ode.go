// Package ode integrates systems of ordinary differential equations
// y' = f(t, y) in float64: classical fixed-step Runge–Kutta (RK4) and the
// Dormand–Prince 5(4) pair (DP5) with adaptive steps and dense output.
//
// All work vectors are allocated once per integrator. Vector updates run in
// parallel through stages/par with a fixed block partition, so results are
// bit-identical whatever the number of cores.
package ode

import (
	"errors"
	"fmt"
	"math"

	"github.com/roma-go/roma/stages/par"
)

// System is a first-order ODE system y' = f(t, y) of fixed dimension.
type System interface {
	// Dim is the length of the state vector.
	Dim() int
	// Eval writes f(t, y) into dy. It must not keep y or dy, and must not
	// modify y.
	Eval(t float64, y, dy []float64)
}

// SaveFunc receives the k-th saved state at time t. y is a read-only view
// valid only during the call; copy it to keep it. A non-nil error stops the
// integration and is returned by the driver.
type SaveFunc func(k int, t float64, y []float64) error

// ErrNonFinite reports a NaN or infinite value in the state or derivative.
var ErrNonFinite = errors.New("ode: non-finite state")

// ErrStepUnderflow reports that the adaptive step size fell below what the
// time variable can resolve.
var ErrStepUnderflow = errors.New("ode: step size underflow")

// block is the partition size of every parallel vector loop.
const block = par.Block

// finiteProbe is 0 for a finite x and NaN otherwise; summing it over a
// vector detects non-finite entries inside a pass that already reads them.
func finiteProbe(x float64) float64 { return x - x }

// allFinite reports whether every entry of v is finite (one parallel pass).
func allFinite(v []float64) bool {
	s := par.Sum(len(v), block, func(lo, hi int) float64 {
		p := 0.0
		for _, x := range v[lo:hi] {
			p += finiteProbe(x)
		}
		return p
	})
	return s == 0
}

func checkDim(sys System, y []float64) error {
	if sys.Dim() != len(y) {
		return fmt.Errorf("ode: state has length %d, system dimension is %d", len(y), sys.Dim())
	}
	return nil
}

// isFinite reports whether x is neither NaN nor infinite.
func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
