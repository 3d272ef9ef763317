package main

import (
	"github.com/roma-go/roma/simulate/burgers"
	"github.com/roma-go/roma/simulate/hrg"
	"github.com/roma-go/roma/simulate/kuramoto"
	"github.com/roma-go/roma/stages"
)

// Config is the `simulate` section of pipeline.yaml.
type Config struct {
	Dynamics string         `yaml:"dynamics" help:"kuramoto or burgers"`
	Graph    GraphConfig    `yaml:"graph"`
	Kuramoto KuramotoConfig `yaml:"kuramoto"`
	Burgers  BurgersConfig  `yaml:"burgers"`
	Noise    NoiseConfig    `yaml:"noise"`
}

// GraphConfig chooses the graph: a generated hyperbolic random graph or an
// edge list read from a Parquet file.
type GraphConfig struct {
	Source           string  `yaml:"source" help:"hyperbolic (generate) or file (read graph.edges_file)"`
	N                int     `yaml:"n" help:"nodes generated (hyperbolic), or the node count of an edges file (0: largest id + 1)"`
	AvgDegree        float64 `yaml:"avg_degree" help:"target mean degree v of the hyperbolic graph"`
	Alpha            float64 `yaml:"alpha" help:"radial exponent α of the hyperbolic graph (the reference's c)"`
	RadiusFormula    string  `yaml:"radius_formula" help:"standard (inverse CDF) or reference (the reference code's arcsinh variant)"`
	MatchMeanDegree  bool    `yaml:"match_mean_degree" help:"rescale v so that the expected mean degree (N → ∞) is avg_degree; false keeps R = 2 ln(N/avg_degree) as the reference"`
	LargestComponent bool    `yaml:"largest_component" help:"keep only the largest connected component, relabelled 0..n-1"`
	EdgesFile        string  `yaml:"edges_file" help:"Parquet edge list: columns src, dst [, weight], or the reference's columns \"0\", \"1\""`
}

// KuramotoConfig holds the Kuramoto dynamics and its integration.
type KuramotoConfig struct {
	K          float64 `yaml:"k" help:"coupling strength K"`
	A          float64 `yaml:"a" help:"schedule a; 1 gives constant coupling"`
	B          float64 `yaml:"b" help:"schedule exponent b"`
	G          float64 `yaml:"g" help:"schedule frequency g"`
	D          float64 `yaml:"d" help:"schedule floor d"`
	Periods    float64 `yaml:"periods" help:"schedule periods over the run"`
	Integrator string  `yaml:"integrator" help:"rk4 (fixed step) or dp5 (adaptive Dormand–Prince with dense output)"`
	Dt         float64 `yaml:"dt" help:"integration step (rk4); the save interval is dt × save_every for both"`
	SaveEvery  int     `yaml:"save_every" help:"store one sample every save_every steps of dt"`
	Samples    int     `yaml:"samples" help:"number of stored samples T, the first at t = 0"`
	RTol       float64 `yaml:"rtol" help:"dp5 relative tolerance"`
	ATol       float64 `yaml:"atol" help:"dp5 absolute tolerance"`
	Observable string  `yaml:"observable" help:"stored series: one_minus_cos ((1 − cos θ)/2), velocity (dθ/dt) or phase (unwrapped θ)"`
	StorePhase bool    `yaml:"store_phase" help:"also store the unwrapped phase θ as the series column phase"`
}

// BurgersConfig holds the Burgers-like social dynamics: the number of stored
// samples and the generator's constants.
type BurgersConfig struct {
	Samples        int `yaml:"samples" help:"stored samples T′; the gel series are T′ + window long"`
	burgers.Params `yaml:",inline"`
}

// NoiseConfig adds observation noise to the stored series.
type NoiseConfig struct {
	EtaVar float64 `yaml:"eta_var" help:"variance of the multiplicative log-normal observation noise (0: none)"`
}

// DefaultConfig is the built-in configuration: a Kuramoto graph of a few
// thousand nodes that simulates in seconds.
func DefaultConfig() Config {
	return Config{
		Dynamics: "kuramoto",
		Graph: GraphConfig{Source: "hyperbolic", N: 5000, AvgDegree: 3, Alpha: 0.75,
			RadiusFormula: hrg.FormulaStandard, MatchMeanDegree: true, LargestComponent: true},
		Kuramoto: KuramotoConfig{K: 1.7, A: 1, B: 10, G: 10, D: 0.5, Periods: 1,
			Integrator: "rk4", Dt: 0.01, SaveEvery: 20, Samples: 400, RTol: 1e-8, ATol: 1e-8,
			Observable: kuramoto.OneMinusCos, StorePhase: true},
		Burgers: BurgersConfig{Samples: 400, Params: burgers.DefaultParams()},
	}
}

// Validate reports every bad value at once.
func (c *Config) Validate() error {
	var p stages.Problems
	switch c.Dynamics {
	case "kuramoto":
		c.Kuramoto.validate(&p)
	case "burgers":
		p.Add(c.Burgers.Validate())
		if c.Burgers.Samples < 1 {
			p.Addf("simulate.burgers.samples = %d must be at least 1", c.Burgers.Samples)
		}
	default:
		p.Addf("simulate.dynamics %q is not kuramoto or burgers", c.Dynamics)
	}
	c.Graph.validate(&p)
	if !(c.Noise.EtaVar >= 0) {
		p.Addf("simulate.noise.eta_var = %g must be ≥ 0", c.Noise.EtaVar)
	}
	return p.Err()
}

func (g *GraphConfig) validate(p *stages.Problems) {
	switch g.Source {
	case "hyperbolic":
		if g.N < 2 {
			p.Addf("simulate.graph.n = %d must be at least 2", g.N)
		}
		if !(g.AvgDegree > 0) || float64(g.N) <= g.AvgDegree {
			p.Addf("simulate.graph.avg_degree = %g must be positive and below n", g.AvgDegree)
		}
		if !(g.Alpha > 0) {
			p.Addf("simulate.graph.alpha = %g must be positive", g.Alpha)
		}
		if g.MatchMeanDegree && !(g.Alpha > 0.5) {
			p.Addf("simulate.graph.match_mean_degree needs alpha > 0.5 (got %g): below it the mean degree grows with n", g.Alpha)
		}
		if g.RadiusFormula != hrg.FormulaStandard && g.RadiusFormula != hrg.FormulaReference {
			p.Addf("simulate.graph.radius_formula %q is not %s or %s", g.RadiusFormula, hrg.FormulaStandard, hrg.FormulaReference)
		}
	case "file":
		if g.EdgesFile == "" {
			p.Addf("simulate.graph.edges_file must name a Parquet file when source is file")
		}
		if g.N < 0 {
			p.Addf("simulate.graph.n = %d must not be negative", g.N)
		}
	default:
		p.Addf("simulate.graph.source %q is not hyperbolic or file", g.Source)
	}
}

// epsilon is the float64 machine epsilon 2⁻⁵².
const epsilon = 0x1p-52

func (k *KuramotoConfig) validate(p *stages.Problems) {
	for _, v := range []struct {
		name string
		x    float64
	}{{"k", k.K}, {"a", k.A}, {"b", k.B}, {"g", k.G}, {"d", k.D}, {"periods", k.Periods}} {
		if v.x < 0 || v.x != v.x {
			p.Addf("simulate.kuramoto.%s = %g must be a non-negative number", v.name, v.x)
		}
	}
	if k.Integrator != "rk4" && k.Integrator != "dp5" {
		p.Addf("simulate.kuramoto.integrator %q is not rk4 or dp5", k.Integrator)
	}
	if !(k.Dt > 0) {
		p.Addf("simulate.kuramoto.dt = %g must be positive", k.Dt)
	}
	if k.SaveEvery < 1 {
		p.Addf("simulate.kuramoto.save_every = %d must be at least 1", k.SaveEvery)
	}
	if k.Samples < 2 {
		p.Addf("simulate.kuramoto.samples = %d must be at least 2", k.Samples)
	}
	// DOPRI5's limits (Hairer): tolerances below ~10 ulps cannot be met, so
	// the reference's 1e-16 is refused rather than silently loosened.
	if k.Integrator == "dp5" && (!(k.RTol > 10*epsilon) || !(k.ATol > 0)) {
		p.Addf("simulate.kuramoto.rtol = %g must exceed 10ε ≈ 2.2e-15 and atol = %g must be positive", k.RTol, k.ATol)
	}
	if err := kuramoto.CheckObservable(k.Observable); err != nil {
		p.Addf("simulate.kuramoto.observable: %v", err)
	}
}
