package ode

import (
	"errors"
	"fmt"
	"math"

	"github.com/roma-go/roma/stages/par"
)

// Dormand–Prince 5(4) tableau (Dormand & Prince 1980; Hairer, Nørsett &
// Wanner, Solving ODEs I, §II.5). The 7th stage is evaluated at
// the new solution, so it is the first stage of the next step (FSAL).
const (
	c2 = 1.0 / 5
	c3 = 3.0 / 10
	c4 = 4.0 / 5
	c5 = 8.0 / 9

	a21 = 1.0 / 5

	a31 = 3.0 / 40
	a32 = 9.0 / 40

	a41 = 44.0 / 45
	a42 = -56.0 / 15
	a43 = 32.0 / 9

	a51 = 19372.0 / 6561
	a52 = -25360.0 / 2187
	a53 = 64448.0 / 6561
	a54 = -212.0 / 729

	a61 = 9017.0 / 3168
	a62 = -355.0 / 33
	a63 = 46732.0 / 5247
	a64 = 49.0 / 176
	a65 = -5103.0 / 18656

	// Fifth-order weights b (a7j); b2 = 0.
	b1 = 35.0 / 384
	b3 = 500.0 / 1113
	b4 = 125.0 / 192
	b5 = -2187.0 / 6784
	b6 = 11.0 / 84

	// Error weights b − b̂ against the embedded fourth-order solution.
	e1 = 71.0 / 57600
	e3 = -71.0 / 16695
	e4 = 71.0 / 1920
	e5 = -17253.0 / 339200
	e6 = 22.0 / 525
	e7 = -1.0 / 40

	// Fourth-order continuous extension (Shampine, Math. Comp. 46 (1986);
	// in the form of Hairer's DOPRI5 dense output, Solving ODEs I, §II.6).
	d1 = -12715105075.0 / 11282082432
	d3 = 87487479700.0 / 32700410799
	d4 = -10690763975.0 / 1880347072
	d5 = 701980252875.0 / 199316789632
	d6 = -1453857185.0 / 822651844
	d7 = 69997945.0 / 29380423
)

// DP5Options configures the adaptive Dormand–Prince integrator. Zero fields
// take the defaults named on each.
type DP5Options struct {
	// RTol and ATol define the scale ATol + RTol·max(|y_old|, |y_new|) of
	// each component in the RMS error norm (Hairer I, §II.4). A step
	// is accepted when the norm is ≤ 1. Hairer's DOPRI5 requires ATol > 0
	// and RTol > 10·ε; smaller values are rejected with an error.
	RTol, ATol float64
	// H0 is the first step; 0 selects it automatically (Hairer I, §II.4).
	H0 float64
	// HMax bounds the step size; 0 means the whole interval.
	HMax float64
	// Safety multiplies the optimal step factor (default 0.9).
	Safety float64
	// MinFactor and MaxFactor bound the ratio of the new to the old step
	// (defaults 0.2 and 10). After a rejection the next step does not grow.
	MinFactor, MaxFactor float64
	// MaxSteps bounds accepted plus rejected steps; 0 means no bound.
	MaxSteps int
}

func (o *DP5Options) setDefaults() error {
	const eps = 0x1p-52
	if !(o.ATol > 0) || !(o.RTol > 10*eps) {
		return fmt.Errorf("ode: tolerances too small (need atol > 0 and rtol > %g; got atol %g, rtol %g)", 10*eps, o.ATol, o.RTol)
	}
	if o.Safety == 0 {
		o.Safety = 0.9
	}
	if o.MinFactor == 0 {
		o.MinFactor = 0.2
	}
	if o.MaxFactor == 0 {
		o.MaxFactor = 10
	}
	if !(o.Safety > 0 && o.Safety <= 1 && o.MinFactor > 0 && o.MinFactor < 1 && o.MaxFactor > 1) {
		return fmt.Errorf("ode: bad controller settings safety %g, factors [%g, %g]", o.Safety, o.MinFactor, o.MaxFactor)
	}
	if o.H0 < 0 || o.HMax < 0 {
		return errors.New("ode: H0 and HMax must be non-negative")
	}
	return nil
}

// Stats counts the work of one integration.
type Stats struct {
	Accepted int     // accepted steps
	Rejected int     // rejected steps
	Evals    int     // evaluations of the right-hand side
	LastStep float64 // size of the last accepted step
}

// DP5 is the Dormand–Prince 5(4) Runge–Kutta pair, used either with adaptive
// steps and dense output (Solve) or with fixed steps (SolveFixed).
type DP5 struct {
	sys  System
	n    int
	opt  DP5Options
	k    [7][]float64 // stage derivatives; k[0] holds f at the current point
	tmp  []float64    // stage argument
	yalt []float64    // second state buffer, swapped with the current one
	out  []float64    // dense output
	red  reducer
	st   Stats
}

// NewDP5 allocates a Dormand–Prince integrator for sys. The tolerances in
// opt are used by Solve and ignored by SolveFixed.
func NewDP5(sys System, opt DP5Options) (*DP5, error) {
	if err := opt.setDefaults(); err != nil {
		return nil, err
	}
	return newDP5(sys, opt), nil
}

func newDP5(sys System, opt DP5Options) *DP5 {
	n := sys.Dim()
	d := &DP5{sys: sys, n: n, opt: opt, red: newReducer(n)}
	for i := range d.k {
		d.k[i] = make([]float64, n)
	}
	d.tmp = make([]float64, n)
	d.yalt = make([]float64, n)
	d.out = make([]float64, n)
	return d
}

// comb sets dst = y + h·Σ a[j]·ks[j] in one parallel pass.
func comb(dst, y []float64, h float64, a []float64, ks ...[]float64) {
	par.For(len(y), block, func(lo, hi int) {
		d, yy := dst[lo:hi], y[lo:hi]
		switch len(ks) {
		case 1:
			p := ks[0][lo:hi]
			c := h * a[0]
			for i := range d {
				d[i] = yy[i] + c*p[i]
			}
		case 2:
			p, q := ks[0][lo:hi], ks[1][lo:hi]
			for i := range d {
				d[i] = yy[i] + h*(a[0]*p[i]+a[1]*q[i])
			}
		case 3:
			p, q, r := ks[0][lo:hi], ks[1][lo:hi], ks[2][lo:hi]
			for i := range d {
				d[i] = yy[i] + h*(a[0]*p[i]+a[1]*q[i]+a[2]*r[i])
			}
		case 4:
			p, q, r, s := ks[0][lo:hi], ks[1][lo:hi], ks[2][lo:hi], ks[3][lo:hi]
			for i := range d {
				d[i] = yy[i] + h*(a[0]*p[i]+a[1]*q[i]+a[2]*r[i]+a[3]*s[i])
			}
		case 5:
			p, q, r, s, u := ks[0][lo:hi], ks[1][lo:hi], ks[2][lo:hi], ks[3][lo:hi], ks[4][lo:hi]
			for i := range d {
				d[i] = yy[i] + h*(a[0]*p[i]+a[1]*q[i]+a[2]*r[i]+a[3]*s[i]+a[4]*u[i])
			}
		default:
			panic("ode: comb supports 1 to 5 terms")
		}
	})
}

// Stage coefficient rows a_sj (row7 holds the weights b_j of the new
// solution), and a unit row for plain y + h·k.
var (
	row2 = [1]float64{a21}
	row3 = [2]float64{a31, a32}
	row4 = [3]float64{a41, a42, a43}
	row5 = [4]float64{a51, a52, a53, a54}
	row6 = [5]float64{a61, a62, a63, a64, a65}
	row7 = [5]float64{b1, b3, b4, b5, b6}
	unit = [1]float64{1}
)

// trial computes one step of size h from (t, y) into ynew, with k[0] =
// f(t, y) on entry and k[6] = f(t+h, ynew) on exit, and returns the RMS
// error norm and whether ynew is finite.
func (d *DP5) trial(t, h float64, y, ynew []float64) (float64, bool) {
	k, tmp := &d.k, d.tmp
	comb(tmp, y, h, row2[:], k[0])
	d.sys.Eval(t+c2*h, tmp, k[1])
	comb(tmp, y, h, row3[:], k[0], k[1])
	d.sys.Eval(t+c3*h, tmp, k[2])
	comb(tmp, y, h, row4[:], k[0], k[1], k[2])
	d.sys.Eval(t+c4*h, tmp, k[3])
	comb(tmp, y, h, row5[:], k[0], k[1], k[2], k[3])
	d.sys.Eval(t+c5*h, tmp, k[4])
	comb(tmp, y, h, row6[:], k[0], k[1], k[2], k[3], k[4])
	d.sys.Eval(t+h, tmp, k[5])
	comb(ynew, y, h, row7[:], k[0], k[2], k[3], k[4], k[5])
	d.sys.Eval(t+h, ynew, k[6])
	d.st.Evals += 6
	atol, rtol := d.opt.ATol, d.opt.RTol
	k1, k3, k4, k5, k6, k7 := k[0], k[2], k[3], k[4], k[5], k[6]
	s, probe := d.red.sum2(d.n, func(lo, hi int) (float64, float64) {
		var s, p float64
		for i := lo; i < hi; i++ {
			ev := h * (e1*k1[i] + e3*k3[i] + e4*k4[i] + e5*k5[i] + e6*k6[i] + e7*k7[i])
			sc := atol + rtol*max(math.Abs(y[i]), math.Abs(ynew[i]))
			r := ev / sc
			s += r * r
			p += finiteProbe(ynew[i]) + finiteProbe(k7[i])
		}
		return s, p
	})
	return math.Sqrt(s / float64(d.n)), probe == 0
}

// dense writes into d.out the continuous extension at t + θh of the step
// just accepted from y to ynew (k still holding that step's stages).
func (d *DP5) dense(theta, h float64, y, ynew []float64) {
	k1, k3, k4, k5, k6, k7 := d.k[0], d.k[2], d.k[3], d.k[4], d.k[5], d.k[6]
	out := d.out
	th1 := 1 - theta
	par.For(d.n, block, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dy := ynew[i] - y[i]
			bs := h*k1[i] - dy
			r4 := dy - h*k7[i] - bs
			r5 := h * (d1*k1[i] + d3*k3[i] + d4*k4[i] + d5*k5[i] + d6*k6[i] + d7*k7[i])
			out[i] = y[i] + theta*(dy+th1*(bs+theta*(r4+th1*r5)))
		}
	})
}

// rmsNorm is the RMS of v/sc with sc = ATol + RTol·|y|.
func (d *DP5) rmsNorm(v, y []float64) float64 {
	atol, rtol := d.opt.ATol, d.opt.RTol
	s, _ := d.red.sum2(d.n, func(lo, hi int) (float64, float64) {
		s := 0.0
		for i := lo; i < hi; i++ {
			r := v[i] / (atol + rtol*math.Abs(y[i]))
			s += r * r
		}
		return s, 0
	})
	return math.Sqrt(s / float64(d.n))
}

// initialStep is Hairer's starting step algorithm (Solving ODEs I, §II.4)
// with p+1 = 5; k[0] = f(t0, y0) on entry. It costs one evaluation.
func (d *DP5) initialStep(t0 float64, y0 []float64, hmax float64) float64 {
	f0, f1, y1 := d.k[0], d.k[1], d.tmp
	d0 := d.rmsNorm(y0, y0)
	dd1 := d.rmsNorm(f0, y0)
	h0 := 1e-6
	if d0 >= 1e-5 && dd1 >= 1e-5 {
		h0 = 0.01 * d0 / dd1
	}
	h0 = min(h0, hmax)
	comb(y1, y0, h0, unit[:], f0)
	d.sys.Eval(t0+h0, y1, f1)
	d.st.Evals++
	par.For(d.n, block, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			y1[i] = f1[i] - f0[i]
		}
	})
	dd2 := d.rmsNorm(y1, y0) / h0
	m := max(dd1, dd2)
	var h1 float64
	if m <= 1e-15 {
		h1 = max(1e-6, h0*1e-3)
	} else {
		h1 = math.Pow(0.01/m, 1.0/5)
	}
	return min(100*h0, h1, hmax)
}

// Solve integrates from (t0, y) forward to the last of saveTimes with
// adaptive steps, calling save(k, saveTimes[k], y(saveTimes[k])) for each k.
// Save times must be non-decreasing and ≥ t0; between step points they are
// served by the fourth-order dense output, so steps are not shortened to hit
// them (only the last step is clipped to end at the final time). On return y
// holds the state at the final time. Non-finite trial steps are rejected and
// retried smaller; the integration fails with ErrNonFinite or
// ErrStepUnderflow when the step can no longer shrink.
func (d *DP5) Solve(y []float64, t0 float64, saveTimes []float64, save SaveFunc) (Stats, error) {
	d.st = Stats{}
	if err := checkDim(d.sys, y); err != nil {
		return d.st, err
	}
	if len(saveTimes) == 0 {
		return d.st, nil
	}
	for i, s := range saveTimes {
		if !isFinite(s) || s < t0 || (i > 0 && s < saveTimes[i-1]) {
			return d.st, fmt.Errorf("ode: save times must be finite, non-decreasing and ≥ t0 = %g (index %d: %g)", t0, i, s)
		}
	}
	if !allFinite(y) {
		return d.st, fmt.Errorf("%w at t = %g (initial state)", ErrNonFinite, t0)
	}
	ks := 0
	if d.n == 0 {
		// Nothing evolves; the error norm would be 0/0.
		for ; ks < len(saveTimes) && save != nil; ks++ {
			if err := save(ks, saveTimes[ks], y); err != nil {
				return d.st, err
			}
		}
		return d.st, nil
	}
	for ks < len(saveTimes) && saveTimes[ks] == t0 {
		if save != nil {
			if err := save(ks, t0, y); err != nil {
				return d.st, err
			}
		}
		ks++
	}
	if ks == len(saveTimes) {
		return d.st, nil
	}
	tEnd := saveTimes[len(saveTimes)-1]
	o := &d.opt
	d.sys.Eval(t0, y, d.k[0])
	d.st.Evals++
	if !allFinite(d.k[0]) {
		return d.st, fmt.Errorf("%w at t = %g (derivative of the initial state)", ErrNonFinite, t0)
	}
	hmax := o.HMax
	if hmax == 0 {
		hmax = tEnd - t0
	}
	h := o.H0
	if h == 0 {
		h = d.initialStep(t0, y, hmax)
	}
	h = min(h, hmax)

	const eps = 0x1p-52
	cur, nxt := y, d.yalt
	t := t0
	justRejected, lastFinite := false, true
	for {
		if o.MaxSteps > 0 && d.st.Accepted+d.st.Rejected >= o.MaxSteps {
			d.finish(y, cur)
			return d.st, fmt.Errorf("ode: %d steps reached at t = %g before t = %g", o.MaxSteps, t, tEnd)
		}
		last := false
		if t+1.01*h >= tEnd {
			h = tEnd - t
			last = true
		}
		if 0.1*h <= math.Abs(t)*eps || h <= 0 {
			d.finish(y, cur)
			if !lastFinite {
				return d.st, fmt.Errorf("%w near t = %g (step size %g after rejected non-finite steps)", ErrNonFinite, t, h)
			}
			return d.st, fmt.Errorf("%w at t = %g (h = %g)", ErrStepUnderflow, t, h)
		}
		errNorm, finite := d.trial(t, h, cur, nxt)
		lastFinite = finite
		if !finite || !(errNorm <= 1) {
			d.st.Rejected++
			justRejected = true
			fac := o.MinFactor
			if finite && isFinite(errNorm) {
				fac = max(o.MinFactor, o.Safety*math.Pow(errNorm, -0.2))
			}
			h *= min(fac, 1)
			continue
		}
		d.st.Accepted++
		d.st.LastStep = h
		tNew := t + h
		if last {
			tNew = tEnd
		}
		for ks < len(saveTimes) && saveTimes[ks] <= tNew {
			ts := saveTimes[ks]
			v := nxt
			if ts != tNew {
				d.dense((ts-t)/h, h, cur, nxt)
				v = d.out
			}
			if save != nil {
				if err := save(ks, ts, v); err != nil {
					cur, nxt = nxt, cur
					d.finish(y, cur)
					return d.st, err
				}
			}
			ks++
		}
		cur, nxt = nxt, cur
		d.k[0], d.k[6] = d.k[6], d.k[0]
		t = tNew
		if last {
			d.finish(y, cur)
			return d.st, nil
		}
		fac := o.MaxFactor
		if errNorm > 0 {
			fac = min(o.MaxFactor, max(o.MinFactor, o.Safety*math.Pow(errNorm, -0.2)))
		}
		if justRejected {
			fac = min(fac, 1)
			justRejected = false
		}
		h = min(h*fac, hmax)
	}
}

// finish leaves the current state in the caller's vector y.
func (d *DP5) finish(y, cur []float64) {
	if len(y) > 0 && &cur[0] != &y[0] {
		copy(y, cur)
	}
}

// SolveFixed advances y in place by steps Dormand–Prince steps of size dt
// (no error control), saving as RK4.Solve does. It stops with ErrNonFinite
// when the state stops being finite.
func (d *DP5) SolveFixed(y []float64, t0, dt float64, steps, saveEvery int, save SaveFunc) (Stats, error) {
	d.st = Stats{}
	if err := checkDim(d.sys, y); err != nil {
		return d.st, err
	}
	if saveEvery <= 0 {
		saveEvery = 1
	}
	if !allFinite(y) {
		return d.st, fmt.Errorf("%w at t = %g (initial state)", ErrNonFinite, t0)
	}
	cur, nxt := y, d.yalt
	k := 0
	for s := 0; ; s++ {
		t := t0 + float64(s)*dt
		if save != nil && s%saveEvery == 0 {
			if err := save(k, t, cur); err != nil {
				d.finish(y, cur)
				return d.st, err
			}
			k++
		}
		if s == steps {
			d.finish(y, cur)
			return d.st, nil
		}
		if s == 0 {
			d.sys.Eval(t, cur, d.k[0])
			d.st.Evals++
		}
		_, finite := d.trial(t, dt, cur, nxt)
		if !finite {
			d.finish(y, cur)
			return d.st, fmt.Errorf("%w at t = %g (DP5 step %d)", ErrNonFinite, t+dt, s+1)
		}
		d.st.Accepted++
		d.st.LastStep = dt
		cur, nxt = nxt, cur
		d.k[0], d.k[6] = d.k[6], d.k[0]
	}
}

// SolveDP5 integrates sys adaptively with default controller settings; see
// DP5.Solve.
func SolveDP5(sys System, y []float64, t0 float64, saveTimes []float64, rtol, atol float64, save SaveFunc) (Stats, error) {
	if err := checkDim(sys, y); err != nil {
		return Stats{}, err
	}
	d, err := NewDP5(sys, DP5Options{RTol: rtol, ATol: atol})
	if err != nil {
		return Stats{}, err
	}
	return d.Solve(y, t0, saveTimes, save)
}

// SolveDP5Fixed integrates sys with fixed Dormand–Prince steps; see
// DP5.SolveFixed.
func SolveDP5Fixed(sys System, y []float64, t0, dt float64, steps, saveEvery int, save SaveFunc) (Stats, error) {
	if err := checkDim(sys, y); err != nil {
		return Stats{}, err
	}
	return newDP5(sys, DP5Options{}).SolveFixed(y, t0, dt, steps, saveEvery, save)
}
