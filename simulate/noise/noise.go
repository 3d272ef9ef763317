// Package noise applies the multiplicative log-normal noise ROMA adds to its
// training windows and targets (reference train.py, `x *= exp(√eta_var·ξ)`
// with ξ ~ N(0, 1); spec §3.3).
package noise

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/roma-go/roma/stages/par"
)

// Block is the number of values that share one random stream in
// LogNormalSeeded; it is fixed so the result does not depend on the number
// of cores.
const Block = 1 << 14

func check(etaVar float64) error {
	if !(etaVar >= 0) || math.IsInf(etaVar, 0) {
		return fmt.Errorf("noise: eta_var = %g, want a finite variance ≥ 0", etaVar)
	}
	return nil
}

// LogNormal multiplies every x[i] in place by exp(√etaVar·ξ_i), with ξ_i
// independent standard normal draws from rng, taken in index order; the
// products are formed in float64 and rounded once. etaVar = 0 leaves x
// unchanged and draws nothing. A negative, NaN or infinite etaVar, or a nil
// rng when draws are needed, is an error and leaves x unchanged.
func LogNormal(x []float32, etaVar float64, rng *rand.Rand) error {
	if err := check(etaVar); err != nil {
		return err
	}
	if etaVar == 0 || len(x) == 0 {
		return nil
	}
	if rng == nil {
		return fmt.Errorf("noise: nil random generator")
	}
	apply(x, math.Sqrt(etaVar), rng)
	return nil
}

func apply(x []float32, sd float64, rng *rand.Rand) {
	for i, v := range x {
		x[i] = float32(float64(v) * math.Exp(sd*rng.NormFloat64()))
	}
}

// LogNormalSeeded is LogNormal on all cores: block b of Block consecutive
// values draws from its own PCG stream derived from (seed, b), so the result
// depends only on x, etaVar and seed.
func LogNormalSeeded(x []float32, etaVar float64, seed uint64) error {
	if err := check(etaVar); err != nil {
		return err
	}
	if etaVar == 0 {
		return nil
	}
	sd := math.Sqrt(etaVar)
	par.For(len(x), Block, func(lo, hi int) {
		apply(x[lo:hi], sd, blockRNG(seed, uint64(lo/Block)))
	})
	return nil
}

// blockRNG hashes (seed, b) with the splitmix64 finaliser (Steele, Lea and
// Flood, OOPSLA 2014) so that neighbouring blocks get unrelated PCG states.
func blockRNG(seed, b uint64) *rand.Rand {
	k1 := splitmix64(seed)
	k2 := splitmix64(k1 ^ splitmix64(b+0x632be59bd9b4e019))
	return rand.New(rand.NewPCG(k1, k2))
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
