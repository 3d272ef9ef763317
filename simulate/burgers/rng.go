package burgers

import "math/rand/v2"

// Stream tags keep the random streams of different uses of one seed apart.
const (
	tagGel uint64 = 1 + iota
	tagMix
)

// splitmix64 is the finaliser of Steele, Lea and Flood, "Fast splittable
// pseudorandom number generators" (OOPSLA 2014); it turns nearby inputs into
// unrelated outputs.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// stream returns the PCG generator for use tag, index i of seed. Hashing the
// triple, rather than seeding PCG with (seed, i), avoids streams whose states
// differ by small integers and so start correlated.
func stream(seed, tag, i uint64) *rand.Rand {
	k1 := splitmix64(seed ^ splitmix64(tag))
	k2 := splitmix64(k1 ^ splitmix64(i^0x5851f42d4c957f2d))
	return rand.New(rand.NewPCG(k1, k2))
}
