// Package kuramoto simulates Kuramoto phase oscillators on a graph with the
// coupling schedule, initial state and √degree coupling weights of the ROMA
// reference data generator (reference spec §1.2, lib/kuramoto.py):
//
//	dθ_r/dt = ω_r + K(t)·Σ_s w_sr·sin(θ_s − θ_r).
//
// A Model implements ode.System; integrate it with simulate/ode.
package kuramoto

import (
	"fmt"
	"math"
)

// Params holds the coupling schedule and the time grid it is scaled to.
type Params struct {
	K       float64 // coupling strength
	A       float64 // constant share of the schedule; A = 1 gives K(t) ≡ K
	B       float64 // exponent of |cos(G·t′)|
	G       float64 // fast modulation frequency in rescaled time
	D       float64 // floor of the fast modulation
	Periods float64 // slow periods over the whole time grid
	DT      float64 // time step of the output grid
	Steps   int     // number of output steps
}

// DefaultParams returns the reference CLI defaults: K 5, a 0.5, b 10, g 10,
// d 0.5, periods 1, dt 1e-3, steps 20000.
func DefaultParams() Params {
	return Params{K: 5, A: 0.5, B: 10, G: 10, D: 0.5, Periods: 1, DT: 1e-3, Steps: 20000}
}

// Validate reports parameters the schedule cannot use.
func (p Params) Validate() error {
	for _, v := range []float64{p.K, p.A, p.B, p.G, p.D, p.Periods, p.DT} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("kuramoto: non-finite parameter in %+v", p)
		}
	}
	if p.A != 1 && (!(p.DT > 0) || p.Steps <= 0) {
		return fmt.Errorf("kuramoto: a time-varying schedule needs dt > 0 and steps > 0 (dt %g, steps %d)", p.DT, p.Steps)
	}
	return nil
}

// Coupling returns the scheduled coupling
//
//	K(t) = K·[((1−d)|cos(g t′)|^b + d)·|sin t′|²·(1−a) + a],  t′ = t·π·periods/(dt·steps),
//
// so that the slow factor sin² t′ runs through `periods` half-waves over the
// time grid. With a = 1 it is exactly K.
func (p Params) Coupling(t float64) float64 {
	if p.A == 1 {
		return p.K
	}
	tp := t * math.Pi * p.Periods / (p.DT * float64(p.Steps))
	s := math.Sin(tp)
	fast := (1-p.D)*math.Pow(math.Abs(math.Cos(p.G*tp)), p.B) + p.D
	return p.K * (fast*s*s*(1-p.A) + p.A)
}
