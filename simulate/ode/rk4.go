package ode

import (
	"fmt"

	"github.com/roma-go/roma/stages/par"
)

// RK4 is the classical fourth-order Runge–Kutta method (Kutta 1901; Hairer,
// Nørsett & Wanner, Solving ODEs I, §II.1) with fixed steps. It keeps the
// stage sum k1 + 2k2 + 2k3 in one accumulator, so it needs three work vectors
// besides the state.
type RK4 struct {
	sys System
	n   int
	k   []float64 // current stage derivative
	tmp []float64 // stage argument
	acc []float64 // running k1 + 2k2 + 2k3
}

// NewRK4 allocates an RK4 integrator for sys.
func NewRK4(sys System) *RK4 {
	n := sys.Dim()
	return &RK4{sys: sys, n: n,
		k: make([]float64, n), tmp: make([]float64, n), acc: make([]float64, n)}
}

// Step advances y in place from t to t+h and reports whether the new state is
// finite. It allocates no vectors.
func (r *RK4) Step(t, h float64, y []float64) bool {
	k, tmp, acc := r.k, r.tmp, r.acc
	h2 := 0.5 * h
	r.sys.Eval(t, y, k)
	par.For(r.n, block, func(lo, hi int) {
		yy, kk, tt, aa := y[lo:hi], k[lo:hi], tmp[lo:hi], acc[lo:hi]
		for i := range yy {
			aa[i] = kk[i]
			tt[i] = yy[i] + h2*kk[i]
		}
	})
	r.sys.Eval(t+h2, tmp, k)
	r.mid(y, h2)
	r.sys.Eval(t+h2, tmp, k)
	r.mid(y, h)
	r.sys.Eval(t+h, tmp, k)
	h6 := h / 6
	s := par.Sum(r.n, block, func(lo, hi int) float64 {
		yy, kk, aa := y[lo:hi], k[lo:hi], acc[lo:hi]
		p := 0.0
		for i := range yy {
			v := yy[i] + h6*(aa[i]+kk[i])
			yy[i] = v
			p += finiteProbe(v)
		}
		return p
	})
	return s == 0
}

// mid adds 2k to the accumulator and sets the next stage argument y + c·k.
func (r *RK4) mid(y []float64, c float64) {
	k, tmp, acc := r.k, r.tmp, r.acc
	par.For(r.n, block, func(lo, hi int) {
		yy, kk, tt, aa := y[lo:hi], k[lo:hi], tmp[lo:hi], acc[lo:hi]
		for i := range yy {
			aa[i] += 2 * kk[i]
			tt[i] = yy[i] + c*kk[i]
		}
	})
}

// Solve advances y in place by steps steps of size dt from t0. If save is
// not nil it is called with k = 0, 1, … at steps 0, saveEvery, 2·saveEvery, …
// (step 0 is the initial state); the final state is always left in y. Times
// are t0 + step·dt, computed without accumulation. It stops with an error
// wrapping ErrNonFinite when the state stops being finite.
func (r *RK4) Solve(y []float64, t0, dt float64, steps, saveEvery int, save SaveFunc) error {
	if err := checkDim(r.sys, y); err != nil {
		return err
	}
	if saveEvery <= 0 {
		saveEvery = 1
	}
	if !allFinite(y) {
		return fmt.Errorf("%w at t = %g (initial state)", ErrNonFinite, t0)
	}
	k := 0
	for s := 0; ; s++ {
		t := t0 + float64(s)*dt
		if save != nil && s%saveEvery == 0 {
			if err := save(k, t, y); err != nil {
				return err
			}
			k++
		}
		if s == steps {
			return nil
		}
		if !r.Step(t, dt, y) {
			return fmt.Errorf("%w at t = %g (RK4 step %d)", ErrNonFinite, t+dt, s+1)
		}
	}
}

// SolveRK4 integrates sys with RK4; see RK4.Solve.
func SolveRK4(sys System, y []float64, t0, dt float64, steps, saveEvery int, save SaveFunc) error {
	if err := checkDim(sys, y); err != nil {
		return err
	}
	return NewRK4(sys).Solve(y, t0, dt, steps, saveEvery, save)
}
