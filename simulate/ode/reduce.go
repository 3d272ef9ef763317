package ode

import "github.com/roma-go/roma/stages/par"

// reducer sums two quantities over a vector in one parallel pass. Partial
// sums are kept per fixed block and added in block order, as par.Sum does,
// so the result does not depend on the number of cores; the partials live in
// a buffer allocated once.
type reducer struct {
	parts [][2]float64
}

func newReducer(n int) reducer {
	return reducer{parts: make([][2]float64, (n+block-1)/block)}
}

// sum2 returns the block-ordered sums of both outputs of part over [0, n).
func (r *reducer) sum2(n int, part func(lo, hi int) (float64, float64)) (float64, float64) {
	parts := r.parts
	par.For(n, block, func(lo, hi int) {
		a, b := part(lo, hi)
		parts[lo/block] = [2]float64{a, b}
	})
	var a, b float64
	for _, p := range parts {
		a += p[0]
		b += p[1]
	}
	return a, b
}
