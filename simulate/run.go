package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/roma-go/roma/simulate/burgers"
	"github.com/roma-go/roma/simulate/kuramoto"
	"github.com/roma-go/roma/simulate/noise"
	"github.com/roma-go/roma/simulate/ode"
	"github.com/roma-go/roma/stages"
)

// run is the simulate stage: graph, dynamics, tables.
func run(r *stages.Run, c *Config) error {
	b, err := buildGraph(r, c.Graph)
	if err != nil {
		return err
	}
	if c.Dynamics == "burgers" {
		return runBurgers(r, c, b)
	}
	return runKuramoto(r, c, b)
}

// seriesMeta is the key-value metadata every series table carries.
func seriesMeta(c *Config, observable string, dtSample float64, t int) map[string]string {
	return map[string]string{
		"dynamics":   c.Dynamics,
		"observable": observable,
		"dt_sample":  strconv.FormatFloat(dtSample, 'g', -1, 64),
		"samples":    strconv.Itoa(t),
		"eta_var":    strconv.FormatFloat(c.Noise.EtaVar, 'g', -1, 64),
	}
}

// addNoise applies the configured observation noise to sample k, from a
// stream fixed by the run seed and k.
func addNoise(c *Config, seed uint64, k int, x []float32) error {
	if c.Noise.EtaVar == 0 {
		return nil
	}
	return noise.LogNormalSeeded(x, c.Noise.EtaVar, seed^(0x9e3779b97f4a7c15*uint64(k+1)))
}

func runKuramoto(r *stages.Run, c *Config, b *built) error {
	kc := c.Kuramoto
	steps := (kc.Samples - 1) * kc.SaveEvery
	p := kuramoto.Params{K: kc.K, A: kc.A, B: kc.B, G: kc.G, D: kc.D, Periods: kc.Periods, DT: kc.Dt, Steps: steps}
	m, theta, err := kuramoto.New(b.g, p, r.Config.Seed)
	if err != nil {
		return err
	}
	if err := writeGraph(r, b, stages.Column{Name: "omega", Data: m.Omega}); err != nil {
		return err
	}
	sp, err := newSpills(r, b.g.N, kc.StorePhase)
	if err != nil {
		return err
	}
	defer sp.close()
	n := b.g.N
	obs := make([]float32, n)
	times := make([]float64, 0, kc.Samples)
	coupling := make([]float64, 0, kc.Samples)
	order := make([]float64, 0, kc.Samples)
	prog := r.Progress("integrate", int64(kc.Samples))
	save := func(k int, t float64, y []float64) error {
		if err := r.Ctx.Err(); err != nil {
			return err
		}
		if err := m.Observe(kc.Observable, t, y, obs); err != nil {
			return err
		}
		if err := addNoise(c, r.Config.Seed, k, obs); err != nil {
			return err
		}
		if err := sp.appendSample(obs, y); err != nil {
			return err
		}
		times = append(times, t)
		coupling = append(coupling, p.Coupling(t))
		order = append(order, m.OrderParameter(y))
		prog.Add(1)
		return nil
	}
	start := time.Now()
	evals, err := integrate(r, m, kc, theta, steps, save)
	if err != nil {
		return fmt.Errorf("integrating Kuramoto dynamics: %w", err)
	}
	prog.Finish()
	wall := time.Since(start).Seconds()
	r.Manifest.Throughput["node_steps_per_second"] = float64(n) * float64(steps) / wall
	r.Manifest.Throughput["rhs_evaluations"] = float64(evals)
	r.Manifest.Throughput["integrate_seconds"] = wall
	r.Logf("integrated %d nodes over %d steps in %.2fs (%.3g node-steps/s)", n, steps, wall, float64(n)*float64(steps)/wall)
	meta := seriesMeta(c, kc.Observable, kc.Dt*float64(kc.SaveEvery), len(times))
	if err := sp.write(r, meta); err != nil {
		return err
	}
	return writeTimes(r, times, stages.Column{Name: "coupling", Data: coupling}, stages.Column{Name: "order_parameter", Data: order})
}

// integrate runs the configured integrator, returning the number of
// right-hand-side evaluations.
func integrate(r *stages.Run, m *kuramoto.Model, kc KuramotoConfig, theta []float64, steps int, save ode.SaveFunc) (int, error) {
	if kc.Integrator == "rk4" {
		return 4 * steps, ode.SolveRK4(m, theta, 0, kc.Dt, steps, kc.SaveEvery, save)
	}
	saveTimes := make([]float64, kc.Samples)
	for k := range saveTimes {
		saveTimes[k] = float64(k*kc.SaveEvery) * kc.Dt
	}
	st, err := ode.SolveDP5(m, theta, 0, saveTimes, kc.RTol, kc.ATol, save)
	r.Manifest.Notes["dp5"] = st
	return st.Evals, err
}

// spills buffers the observable (and optionally the phase) on disk, sample
// by sample.
type spills struct {
	names []string
	list  []*stages.Spill
	phase []float32
}

func newSpills(r *stages.Run, n int, storePhase bool) (*spills, error) {
	dir, err := r.Out.TempDir()
	if err != nil {
		return nil, err
	}
	s := &spills{names: []string{"value"}}
	if storePhase {
		s.names = append(s.names, "phase")
		s.phase = make([]float32, n)
	}
	for range s.names {
		sp, err := stages.NewSpill(dir, n)
		if err != nil {
			s.close()
			return nil, err
		}
		s.list = append(s.list, sp)
	}
	return s, nil
}

func (s *spills) appendSample(obs []float32, theta []float64) error {
	if err := s.list[0].Append(obs); err != nil {
		return err
	}
	if s.phase == nil {
		return nil
	}
	for i, v := range theta {
		s.phase[i] = float32(v)
	}
	return s.list[1].Append(s.phase)
}

func (s *spills) write(r *stages.Run, meta map[string]string) error {
	if err := stages.WriteSeries(r.Path("series.parquet"), s.names, s.list, meta); err != nil {
		return err
	}
	r.SetRows("series.parquet", int64(s.list[0].Len()))
	return nil
}

func (s *spills) close() {
	for _, sp := range s.list {
		sp.Close()
	}
}

// writeTimes writes times.parquet: sample index, time, and extra columns.
func writeTimes(r *stages.Run, times []float64, extra ...stages.Column) error {
	idx := make([]int32, len(times))
	for i := range idx {
		idx[i] = int32(i)
	}
	cols := append([]stages.Column{{Name: "index", Data: idx}, {Name: "time", Data: times}}, extra...)
	if err := stages.WriteTable(r.Path("times.parquet"), cols, nil); err != nil {
		return err
	}
	r.SetRows("times.parquet", int64(len(times)))
	return nil
}

func runBurgers(r *stages.Run, c *Config, b *built) error {
	if err := writeGraph(r, b); err != nil {
		return err
	}
	start := time.Now()
	res, err := burgers.Simulate(b.g, c.Burgers.Samples, c.Burgers.Params, r.Config.Seed)
	if err != nil {
		return fmt.Errorf("Burgers-like dynamics: %w", err)
	}
	wall := time.Since(start).Seconds()
	n, t := b.g.N, res.Steps
	col := make([]float32, n)
	for k := 0; k < t && c.Noise.EtaVar > 0; k++ {
		// Noise is drawn per sample so it matches Kuramoto's stream layout.
		for i := range col {
			col[i] = res.Data[i*t+k]
		}
		if err := addNoise(c, r.Config.Seed, k, col); err != nil {
			return err
		}
		for i := range col {
			res.Data[i*t+k] = col[i]
		}
	}
	r.Manifest.Throughput["node_samples_per_second"] = float64(n) * float64(t) / wall
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = int32(i)
	}
	meta := seriesMeta(c, "burgers", 1, t)
	if err := stages.WriteSeriesRows(r.Path("series.parquet"), ids, []string{"value"}, [][]float32{res.Data}, t, meta); err != nil {
		return err
	}
	r.SetRows("series.parquet", int64(n))
	return writeTimes(r, res.Times)
}
