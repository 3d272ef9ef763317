package laplacian

// AdjustedRand returns the adjusted Rand index of two partitions of the same
// nodes (Hubert and Arabie, J. Classification 2, 193 (1985)): 1 for
// identical partitions, about 0 for independent ones. Labels must be
// non-negative.
func AdjustedRand(a, b []int32) float64 {
	if len(a) != len(b) {
		panic("laplacian: AdjustedRand of partitions of different sizes")
	}
	type pair struct{ x, y int32 }
	cont := map[pair]int{}
	ra, rb := map[int32]int{}, map[int32]int{}
	for i := range a {
		cont[pair{a[i], b[i]}]++
		ra[a[i]]++
		rb[b[i]]++
	}
	c2 := func(n int) float64 { return float64(n) * float64(n-1) / 2 }
	var sij, sa, sb float64
	for _, n := range cont {
		sij += c2(n)
	}
	for _, n := range ra {
		sa += c2(n)
	}
	for _, n := range rb {
		sb += c2(n)
	}
	total := c2(len(a))
	if total == 0 {
		return 1
	}
	exp := sa * sb / total
	den := (sa+sb)/2 - exp
	if den == 0 {
		return 1 // both partitions trivial (all singletons or one block)
	}
	return (sij - exp) / den
}
