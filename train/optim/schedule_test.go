package optim

import (
	"math"
	"testing"
)

func TestSchedulePhases(t *testing.T) {
	for _, c := range []struct {
		steps, warmup  int
		w, decay, tail float64
	}{
		{100000, 0, 10000, 80000, 10000},
		{50000, 0, 10000, 30000, 10000},
		{20000, 0, 10000, 0, 10000},
		{10, 0, 5, 0, 5},
		{11, 0, 5.5, 0, 5.5},
		{0, 0, 0, 0, 0},
		{1000, 100, 100, 800, 100},
		{1000, 800, 800, 0, 800},
	} {
		s := Schedule{Peak: 1e-3, Steps: c.steps, Warmup: c.warmup}
		w, d, tl := s.Phases()
		if w != c.w || d != c.decay || tl != c.tail {
			t.Errorf("Steps %d Warmup %d: phases %v/%v/%v, want %v/%v/%v", c.steps, c.warmup, w, d, tl, c.w, c.decay, c.tail)
		}
	}
}

func TestScheduleValues(t *testing.T) {
	const peak = 2e-5
	for _, c := range []struct {
		steps, step int
		want        float64
	}{
		{100000, 0, 0},
		{100000, 5000, peak / 2},
		{100000, 9999, peak * 9999 / 10000},
		{100000, 10000, peak},
		{100000, 50000, peak + (2e-7-peak)/2},
		{100000, 89999, 2e-7 + (peak-2e-7)/80000},
		{100000, 90000, 2e-7},
		{100000, 95000, 1.1e-7},
		{100000, 100000, 2e-8},
		{100000, 200000, 2e-8},
		{50000, 10000, peak},
		{50000, 40000, 2e-7},
		{50000, 50000, 2e-8},
		{10, 0, 0},
		{10, 4, peak * 4 / 5},
		{10, 5, 2e-7}, // decay phase of length 0: straight to the tail
		{10, 7, 2e-7 - (2e-7-2e-8)*2/5},
		{10, 10, 2e-8},
		{10, 11, 2e-8},
		{10, -1, 0},
	} {
		got := Schedule{Peak: peak, Steps: c.steps}.LR(c.step)
		if math.IsNaN(got) || math.Abs(got-c.want) > 1e-12*peak {
			t.Errorf("Steps %d: LR(%d) = %g, want %g", c.steps, c.step, got, c.want)
		}
	}
}

func TestScheduleCustomFloors(t *testing.T) {
	s := Schedule{Peak: 1, Steps: 100, Warmup: 10, Floor1: 0.5, Floor2: 0.25}
	for step, want := range map[int]float64{10: 1, 50: 0.75, 90: 0.5, 95: 0.375, 100: 0.25} {
		if got := s.LR(step); math.Abs(got-want) > 1e-15 {
			t.Errorf("LR(%d) = %g, want %g", step, got, want)
		}
	}
}

func TestScheduleZeroSteps(t *testing.T) {
	s := Schedule{Peak: 1, Steps: 0}
	for _, step := range []int{0, 1, 100} {
		if got := s.LR(step); got != DefaultFloor1 {
			t.Errorf("LR(%d) = %g, want optax's constant %g", step, got, DefaultFloor1)
		}
	}
}
