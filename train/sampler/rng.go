package sampler

import "math/rand/v2"

// Stream tags keep the generators of different purposes independent, so that
// e.g. whether a step redraws the subgraph does not shift its times or noise.
const (
	tagTest   uint64 = 1 // the test split, drawn once in New
	tagDraw   uint64 = 2 // a training subgraph, keyed by the step it is drawn at
	tagSample uint64 = 3 // a step's times and noise
)

// splitmix is the SplitMix64 finaliser: it turns nearby integers (seeds,
// steps) into unrelated 64-bit values, as PCG wants well-mixed seeds.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// stream is a reseedable generator. Reseeding in place rather than building a
// new rand.Rand keeps Train free of per-step allocations.
type stream struct {
	pcg rand.PCG
	rng *rand.Rand
}

func newStream() *stream {
	s := &stream{}
	s.rng = rand.New(&s.pcg)
	return s
}

// at reseeds the stream for (seed, tag, step) and returns its generator. The
// result depends on these three values only, never on earlier calls.
func (s *stream) at(seed, tag uint64, step int) *rand.Rand {
	hi := splitmix(splitmix(seed) ^ tag)
	s.pcg.Seed(hi, splitmix(hi^uint64(step)))
	return s.rng
}
