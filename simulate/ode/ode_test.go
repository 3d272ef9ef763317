package ode

import (
	"errors"
	"math"
	"testing"
)

// hopf is the Hopf normal form x' = x(1−r²) − y, y' = y(1−r²) + x: nonlinear,
// with r(t) = 1/√(1 + (1/r0² − 1)e^{−2t}) and angle φ0 + t.
type hopf struct{}

func (hopf) Dim() int { return 2 }
func (hopf) Eval(_ float64, y, dy []float64) {
	q := 1 - y[0]*y[0] - y[1]*y[1]
	dy[0] = y[0]*q - y[1]
	dy[1] = y[1]*q + y[0]
}

// hopfExact is the solution from (0.5, 0) at t = 0.
func hopfExact(t float64) [2]float64 {
	r := 1 / math.Sqrt(1+3*math.Exp(-2*t))
	return [2]float64{r * math.Cos(t), r * math.Sin(t)}
}

// oscillator is y0' = y1, y1' = −y0, solution (cos t, −sin t) from (1, 0).
type oscillator struct{}

func (oscillator) Dim() int { return 2 }
func (oscillator) Eval(_ float64, y, dy []float64) {
	dy[0] = y[1]
	dy[1] = -y[0]
}

// forced is y' = cos t (non-autonomous), y = sin t from 0; y' = −y rides
// along in the second component, y = e^{−t} from 1.
type forced struct{}

func (forced) Dim() int { return 2 }
func (forced) Eval(t float64, y, dy []float64) {
	dy[0] = math.Cos(t)
	dy[1] = -y[1]
}

// slope fits log(err) against log(h) by least squares.
func slope(hs, errs []float64) float64 {
	var sx, sy, sxx, sxy float64
	for i := range hs {
		x, y := math.Log(hs[i]), math.Log(errs[i])
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	n := float64(len(hs))
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}

func hopfErr(y []float64, t float64) float64 {
	e := hopfExact(t)
	return math.Hypot(y[0]-e[0], y[1]-e[1])
}

func TestRK4Order(t *testing.T) {
	const T = 3.0
	var hs, errs []float64
	for _, n := range []int{10, 20, 40, 80, 160} {
		y := []float64{0.5, 0}
		if err := SolveRK4(hopf{}, y, 0, T/float64(n), n, n, nil); err != nil {
			t.Fatal(err)
		}
		hs = append(hs, T/float64(n))
		errs = append(errs, hopfErr(y, T))
	}
	p := slope(hs, errs)
	t.Logf("RK4 errors %.3g, slope %.3f", errs, p)
	if math.Abs(p-4) > 0.3 {
		t.Fatalf("RK4 order %.3f, want 4 ± 0.3", p)
	}
}

// logistic is y' = 3y(1−y) per component, y = 1/(1 + (1/y0 − 1)e^{−3t}).
// Unlike the Hopf form, its error reaches the asymptotic h⁵ regime of DP5
// (whose leading error constants are unusually small) well above round-off.
type logistic struct{ n int }

func (l logistic) Dim() int { return l.n }
func (logistic) Eval(_ float64, y, dy []float64) {
	for i := range y {
		dy[i] = 3 * y[i] * (1 - y[i])
	}
}

func TestDP5FixedOrder(t *testing.T) {
	const T = 3.0
	y0 := []float64{0.1, 0.3, 0.02}
	var hs, errs []float64
	for _, n := range []int{20, 40, 80, 160} {
		y := append([]float64(nil), y0...)
		st, err := SolveDP5Fixed(logistic{len(y)}, y, 0, T/float64(n), n, n, nil)
		if err != nil {
			t.Fatal(err)
		}
		if st.Accepted != n || st.Evals != 6*n+1 {
			t.Fatalf("stats %+v for %d steps", st, n)
		}
		e := 0.0
		for i, v := range y0 {
			e = max(e, math.Abs(y[i]-1/(1+(1/v-1)*math.Exp(-3*T))))
		}
		hs = append(hs, T/float64(n))
		errs = append(errs, e)
	}
	p := slope(hs, errs)
	t.Logf("DP5 errors %.3g, slope %.3f", errs, p)
	if math.Abs(p-5) > 0.3 {
		t.Fatalf("DP5 order %.3f, want 5 ± 0.3", p)
	}
}

// The continuous extension has local error O(h⁵) at interior points.
func TestDP5DenseLocalOrder(t *testing.T) {
	var hs, errs []float64
	for _, h := range []float64{0.4, 0.2, 0.1, 0.05} {
		d := newDP5(hopf{}, DP5Options{ATol: 1, RTol: 1})
		y := []float64{0.5, 0}
		ynew := make([]float64, 2)
		d.sys.Eval(0, y, d.k[0])
		d.trial(0, h, y, ynew)
		d.dense(0.4, h, y, ynew)
		hs = append(hs, h)
		errs = append(errs, hopfErr(d.out, 0.4*h))
		// The ends reproduce the step exactly.
		d.dense(0, h, y, ynew)
		if d.out[0] != y[0] || d.out[1] != y[1] {
			t.Fatalf("dense(0) = %v, want %v", d.out, y)
		}
	}
	p := slope(hs, errs)
	t.Logf("dense local errors %.3g, slope %.3f", errs, p)
	if p < 4.7 {
		t.Fatalf("dense output local order %.3f, want ≥ 4.7 (O(h⁵))", p)
	}
}

func TestDP5AdaptiveTolerance(t *testing.T) {
	const tol = 1e-8
	times := make([]float64, 2001)
	for i := range times {
		times[i] = 0.01 * float64(i)
	}
	cases := []struct {
		name  string
		sys   System
		y0    []float64
		exact func(t float64) []float64
	}{
		{"oscillator", oscillator{}, []float64{1, 0}, func(t float64) []float64 { return []float64{math.Cos(t), -math.Sin(t)} }},
		{"forced+decay", forced{}, []float64{0, 1}, func(t float64) []float64 { return []float64{math.Sin(t), math.Exp(-t)} }},
		{"hopf", hopf{}, []float64{0.5, 0}, func(t float64) []float64 { e := hopfExact(t); return e[:] }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			y := append([]float64(nil), c.y0...)
			worst, next := 0.0, 0
			st, err := SolveDP5(c.sys, y, 0, times, tol, tol, func(k int, tt float64, v []float64) error {
				if k != next || tt != times[k] {
					t.Fatalf("save %d at %g, want %d at %g", k, tt, next, times[next])
				}
				next++
				e := c.exact(tt)
				for i := range e {
					worst = max(worst, math.Abs(v[i]-e[i]))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if next != len(times) {
				t.Fatalf("%d saves, want %d", next, len(times))
			}
			t.Logf("%+v, max error %.3g at %d save times", st, worst, len(times))
			// Tolerances bound the local error; over 20 time units the
			// global error stays within a modest multiple.
			if worst > 100*tol {
				t.Fatalf("max error %.3g > %g", worst, 100*tol)
			}
			// Most save times fall between steps: dense output serves them.
			if st.Accepted > len(times)/4 {
				t.Fatalf("%d accepted steps for %d save times: steps land on saves?", st.Accepted, len(times))
			}
			if st.Evals != 6*(st.Accepted+st.Rejected)+2 {
				t.Fatalf("evals %d, want 6·steps + 2", st.Evals)
			}
			e := c.exact(20)
			for i := range e {
				if math.Abs(y[i]-e[i]) > 100*tol {
					t.Fatalf("final state %v, want %v", y, e)
				}
			}
		})
	}
}

// Tightening the tolerance reduces the error roughly in proportion.
func TestDP5ToleranceProportionality(t *testing.T) {
	var prev float64
	for i, tol := range []float64{1e-5, 1e-7, 1e-9, 1e-11} {
		y := []float64{0.5, 0}
		if _, err := SolveDP5(hopf{}, y, 0, []float64{10}, tol, tol, nil); err != nil {
			t.Fatal(err)
		}
		e := hopfErr(y, 10)
		if e > 100*tol {
			t.Fatalf("tol %g: error %.3g", tol, e)
		}
		if i > 0 && e > prev/10 {
			t.Fatalf("tol %g: error %.3g did not shrink from %.3g", tol, e, prev)
		}
		prev = e
	}
}

func TestSaveSchedule(t *testing.T) {
	var ks []int
	var ts []float64
	y := []float64{1, 0}
	err := SolveRK4(oscillator{}, y, 1, 0.5, 10, 3, func(k int, tt float64, _ []float64) error {
		ks = append(ks, k)
		ts = append(ts, tt)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantT := []float64{1, 2.5, 4, 5.5}
	if len(ks) != 4 {
		t.Fatalf("saves %v at %v", ks, ts)
	}
	for i := range ks {
		if ks[i] != i || ts[i] != wantT[i] {
			t.Fatalf("saves %v at %v, want 0..3 at %v", ks, ts, wantT)
		}
	}
	stop := errors.New("stop")
	if err := SolveRK4(oscillator{}, y, 0, 0.1, 10, 1, func(k int, _ float64, _ []float64) error {
		if k == 2 {
			return stop
		}
		return nil
	}); err != stop {
		t.Fatalf("callback error not returned: %v", err)
	}
	// Repeated save times and one at t0.
	y = []float64{1, 0}
	var got []float64
	_, err = SolveDP5(oscillator{}, y, 0, []float64{0, 0, 1, 1, 2}, 1e-10, 1e-10, func(k int, tt float64, v []float64) error {
		got = append(got, tt, v[0])
		return nil
	})
	if err != nil || len(got) != 10 || got[0] != 0 || got[1] != 1 || math.Abs(got[9]-math.Cos(2)) > 1e-8 {
		t.Fatalf("saves %v, err %v", got, err)
	}
	if _, err := SolveDP5(oscillator{}, y, 0, []float64{1, 0.5}, 1e-6, 1e-6, nil); err == nil {
		t.Fatal("decreasing save times accepted")
	}
	if _, err := SolveDP5(oscillator{}, y, 0, []float64{1}, 1e-17, 1e-6, nil); err == nil {
		t.Fatal("rtol below 10ε accepted")
	}
}

// nanSys returns NaN derivatives once y0 passes a threshold.
type nanSys struct{ at float64 }

func (nanSys) Dim() int { return 1 }
func (s nanSys) Eval(t float64, y, dy []float64) {
	dy[0] = 1
	if y[0] > s.at {
		dy[0] = math.NaN()
	}
}

// blowup is y' = y², which leaves every bound at t = 1 from y(0) = 1.
type blowup struct{}

func (blowup) Dim() int                        { return 1 }
func (blowup) Eval(_ float64, y, dy []float64) { dy[0] = y[0] * y[0] }

func TestNonFinite(t *testing.T) {
	if err := SolveRK4(nanSys{at: 0.5}, []float64{0}, 0, 0.1, 20, 1, nil); !errors.Is(err, ErrNonFinite) {
		t.Fatalf("RK4: %v", err)
	}
	if _, err := SolveDP5Fixed(nanSys{at: 0.5}, []float64{0}, 0, 0.1, 20, 1, nil); !errors.Is(err, ErrNonFinite) {
		t.Fatalf("DP5 fixed: %v", err)
	}
	if _, err := SolveDP5(nanSys{at: 0.5}, []float64{0}, 0, []float64{2}, 1e-8, 1e-8, nil); !errors.Is(err, ErrNonFinite) {
		t.Fatalf("DP5: %v", err)
	}
	if _, err := SolveDP5(nanSys{at: -1}, []float64{0}, 0, []float64{2}, 1e-8, 1e-8, nil); !errors.Is(err, ErrNonFinite) {
		t.Fatalf("DP5 at t0: %v", err)
	}
	if err := SolveRK4(oscillator{}, []float64{math.Inf(1), 0}, 0, 0.1, 20, 1, nil); !errors.Is(err, ErrNonFinite) {
		t.Fatalf("RK4 infinite start: %v", err)
	}
	_, err := SolveDP5(blowup{}, []float64{1}, 0, []float64{2}, 1e-8, 1e-8, nil)
	if !errors.Is(err, ErrNonFinite) && !errors.Is(err, ErrStepUnderflow) {
		t.Fatalf("DP5 blow-up: %v", err)
	}
	t.Logf("blow-up: %v", err)
}

func TestDimMismatch(t *testing.T) {
	if err := SolveRK4(oscillator{}, []float64{1}, 0, 0.1, 1, 1, nil); err == nil {
		t.Fatal("dimension mismatch accepted")
	}
}

// A large system exercises the parallel blocks; the step allocates no vector.
type decay struct{ n int }

func (d decay) Dim() int { return d.n }
func (d decay) Eval(_ float64, y, dy []float64) {
	for i := range y {
		dy[i] = -y[i]
	}
}

func TestStepAllocations(t *testing.T) {
	for _, n := range []int{1000, 200000} {
		y := make([]float64, n)
		for i := range y {
			y[i] = 1
		}
		r := NewRK4(decay{n})
		a := testing.AllocsPerRun(5, func() { r.Step(0, 0.01, y) })
		d := newDP5(decay{n}, DP5Options{ATol: 1e-6, RTol: 1e-6})
		yn := make([]float64, n)
		b := testing.AllocsPerRun(5, func() { d.trial(0, 0.01, y, yn) })
		t.Logf("n = %d: %.0f allocs per RK4 step, %.0f per DP5 trial", n, a, b)
		if a > 100 || b > 200 {
			t.Fatalf("n = %d: too many allocations (%v, %v)", n, a, b)
		}
		if math.Abs(y[n-1]-math.Exp(-0.06)) > 1e-10 {
			t.Fatalf("decay %v", y[n-1])
		}
	}
}

func TestEmptySystem(t *testing.T) {
	n := 0
	if _, err := SolveDP5(decay{0}, nil, 0, []float64{0, 1, 2}, 1e-6, 1e-6, func(int, float64, []float64) error { n++; return nil }); err != nil || n != 3 {
		t.Fatalf("empty system: %d saves, %v", n, err)
	}
	if err := SolveRK4(decay{0}, nil, 0, 0.1, 5, 1, nil); err != nil {
		t.Fatal(err)
	}
}
