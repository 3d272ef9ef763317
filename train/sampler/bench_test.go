package sampler

import "testing"

// BenchmarkTrain times reference-size training steps (512 nodes, κ = 64,
// a new subgraph every 2 steps, noise on).
func BenchmarkTrain(b *testing.B) {
	g := ringLattice(b, 20000, 4)
	const T = 200
	s := mustNew(b, g, series(g.N, T, 1), T, DefaultOptions(), 1)
	b.ReportAllocs()
	step := 0
	for b.Loop() {
		if _, err := s.Train(step, 1); err != nil {
			b.Fatal(err)
		}
		step++
	}
}
