package optim

// Defaults of the reference's schedule (train.py: lr_min = 2e-7, final
// value lr_min/10, warm-up min(10000, steps/2)).
const (
	DefaultFloor1    = 2e-7
	DefaultFloor2    = 2e-8
	DefaultMaxWarmup = 10000
)

// Schedule is the reference's learning-rate schedule (spec §3.4): linear
// 0 → Peak over w steps, Peak → Floor1 over Steps − 2w steps, Floor1 → Floor2
// over the final w steps, then constant Floor2. It reproduces
// optax.join_schedules of three optax.linear_schedule.
type Schedule struct {
	// Peak is the learning rate reached at the end of the warm-up (--lr).
	Peak float64
	// Steps is the number of optimisation steps (--steps).
	Steps int
	// Warmup is w, the length of the warm-up and of the tail; 0 means the
	// reference's min(10000, Steps/2), computed in floating point as Python
	// does (odd Steps ≤ 20000 give a half-integer w). A Warmup above
	// Steps/2 leaves no decay phase.
	Warmup int
	// Floor1 is the value at the end of the decay; 0 means DefaultFloor1.
	Floor1 float64
	// Floor2 is the value at the end of the tail; 0 means DefaultFloor2.
	Floor2 float64
}

// Phases returns the lengths of the warm-up, the decay and the tail (the
// tail equals the warm-up). The decay is never negative.
func (s Schedule) Phases() (warmup, decay, tail float64) {
	w := float64(s.Warmup)
	if s.Warmup <= 0 {
		w = min(DefaultMaxWarmup, float64(s.Steps)/2)
	}
	w = max(w, 0)
	return w, max(float64(s.Steps)-2*w, 0), w
}

// LR returns the learning rate for the given optimiser count (0-based: the
// first update uses LR(0) = 0, as optax's schedule count starts at 0).
func (s Schedule) LR(step int) float64 {
	f1, f2 := s.Floor1, s.Floor2
	if f1 == 0 {
		f1 = DefaultFloor1
	}
	if f2 == 0 {
		f2 = DefaultFloor2
	}
	w, decay, _ := s.Phases()
	t := float64(step)
	switch {
	case t < w:
		return linear(0, s.Peak, w, t)
	case t < w+decay:
		return linear(s.Peak, f1, decay, t-w)
	default:
		return linear(f1, f2, w, t-w-decay)
	}
}

// linear is optax.linear_schedule(init, end, n) evaluated at count t: the
// count is clipped to [0, n], and a schedule of length n ≤ 0 is the constant
// init (no division by zero).
func linear(init, end, n, t float64) float64 {
	if n <= 0 {
		return init
	}
	t = min(max(t, 0), n)
	return (init-end)*(1-t/n) + end
}
