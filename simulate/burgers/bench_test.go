package burgers

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
)

const (
	benchN     = 100_000
	benchSteps = 512
)

var benchGraph *graph.Graph

// benchSetup returns a random graph of benchN nodes and mean degree 3 (the
// reference's target degree), built once.
func benchSetup() *graph.Graph {
	if benchGraph == nil {
		benchGraph = randomGraph(benchN, 3*benchN/2, rand.New(rand.NewPCG(1, 1)))
	}
	return benchGraph
}

// BenchmarkSimulate is the whole BD pipeline: gels, smoothing, mixing,
// message passing and normalisation.
func BenchmarkSimulate(b *testing.B) {
	g := benchSetup()
	p := DefaultParams()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Simulate(g, benchSteps, p, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchN*benchSteps)*float64(b.N)/b.Elapsed().Seconds(), "node-samples/s")
}

// BenchmarkMessagePass times the 6 sweeps alone; BenchmarkMessagePassNaive
// is the reference point, the direct per-(node, time) loop with a separate
// message array.
func BenchmarkMessagePass(b *testing.B) {
	benchMessage(b, func(adj *graph.CSR, xb []float32) {
		if err := MessagePass(adj, xb, benchSteps, 6, 4, 0); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkMessagePassNaive(b *testing.B) {
	benchMessage(b, func(adj *graph.CSR, xb []float32) { naiveMessagePass(adj, xb, benchSteps, 6, 4) })
}

func benchMessage(b *testing.B, pass func(*graph.CSR, []float32)) {
	adj := benchSetup().Adjacency()
	xb := make([]float32, benchN*benchSteps)
	rng := rand.New(rand.NewPCG(2, 2))
	for i := range xb {
		xb[i] = float32(rng.NormFloat64())
	}
	b.ResetTimer()
	for b.Loop() {
		pass(adj, xb)
	}
	b.ReportMetric(float64(benchN*benchSteps)*float64(b.N)/b.Elapsed().Seconds(), "node-samples/s")
}

func naiveMessagePass(adj *graph.CSR, xb []float32, steps, iterations int, red float64) {
	coef := edgeCoefficients(adj, red)
	msg := make([]float64, adj.N*steps)
	for range iterations {
		for r := range adj.N {
			for t := 0; t < steps-1; t++ {
				s := 0.0
				for e := adj.Ptr[r]; e < adj.Ptr[r+1]; e++ {
					v := float64(xb[int(adj.Col[e])*steps+t])
					s += coef[e] * v * v
				}
				msg[r*steps+t] = math.Sqrt(s)
			}
		}
		for r := range adj.N {
			for t := 0; t < steps-1; t++ {
				xb[r*steps+t+1] = float32(float64(xb[r*steps+t+1]) + msg[r*steps+t])
			}
		}
	}
}

// BenchmarkGenerateGels times the default 100 gel series of
// benchSteps+Window samples.
func BenchmarkGenerateGels(b *testing.B) {
	p := DefaultParams()
	samples := benchSteps + p.Window
	for b.Loop() {
		if _, err := GenerateGels(p, samples, 1); err != nil {
			b.Fatal(err)
		}
	}
	events := float64(p.NumGels) * float64(samples*p.EventsPerSample+p.BurnIn)
	b.ReportMetric(events*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
