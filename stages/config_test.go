package stages

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type innerCfg struct {
	K     float64   `yaml:"k"`
	Steps int       `yaml:"steps"`
	List  []float64 `yaml:"list"`
}

type testCfg struct {
	N     int      `yaml:"n"`
	Mode  string   `yaml:"mode"`
	Inner innerCfg `yaml:"inner"`
}

func (c *testCfg) Validate() error {
	var p Problems
	if c.N <= 0 {
		p.Addf("simulate.n must be positive, got %d", c.N)
	}
	if c.Inner.Steps < 0 {
		p.Addf("simulate.inner.steps must not be negative, got %d", c.Inner.Steps)
	}
	return p.Err()
}

func defaults() *testCfg { return &testCfg{N: 10, Mode: "a", Inner: innerCfg{K: 1, Steps: 5}} }

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfigReportsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "bad.yaml", `
run: {name: x, seed: 3, colour: red}
simulate:
  n: -4
  typo: 1
  inner:
    k: abc
    steps: -1
    extra: 2
trian: {}
`)
	run, cfg := DefaultRun(), defaults()
	err := LoadConfig(path, "simulate", &run, cfg)
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	for _, want := range []string{`unknown key "colour"`, `unknown key "typo"`, `unknown key "extra"`, "simulate.inner", "cannot unmarshal", `unknown section "trian"`, "simulate.n must be positive", "steps must not be negative", "bad.yaml"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if got := len(flatten(err)); got != 7 {
		t.Errorf("got %d problems, want 7:\n%s", got, msg)
	}
}

func TestLoadConfigMalformedAndMissing(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "m.yaml", "simulate: [1, 2\n")
	run, cfg := DefaultRun(), defaults()
	if err := LoadConfig(path, "simulate", &run, cfg); err == nil || !strings.Contains(err.Error(), "m.yaml") || !strings.Contains(err.Error(), "malformed YAML") {
		t.Errorf("malformed: got %v", err)
	}
	if err := LoadConfig(filepath.Join(dir, "none.yaml"), "simulate", &run, cfg); err == nil || !strings.Contains(err.Error(), "none.yaml") {
		t.Errorf("missing: got %v", err)
	}
}

func TestLoadConfigKeepsDefaults(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "ok.yaml", "simulate:\n  inner: {k: 2.5}\ncoarsen: {anything: 1}\n")
	run, cfg := DefaultRun(), defaults()
	if err := LoadConfig(path, "simulate", &run, cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.N != 10 || cfg.Inner.K != 2.5 || cfg.Inner.Steps != 5 || run.Name != "default" {
		t.Errorf("got %+v %+v", cfg, run)
	}
}

func testStage(cfg *testCfg, run func(r *Run) error) Stage {
	return Stage{Name: "simulate", Summary: "test", Config: cfg, Run: run}
}

func TestFlagsOverrideConfig(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "p.yaml", "run: {seed: 3}\nsimulate: {n: 20, inner: {k: 2}}\n")
	cfg := defaults()
	var got Run
	err := Execute(context.Background(), testStage(cfg, func(r *Run) error {
		got = *r
		return os.WriteFile(r.Path("a.txt"), []byte("x"), 0o644)
	}), []string{"--config", path, "--out", filepath.Join(dir, "out"), "--inner.k", "7", "--run.seed", "9", "--inner.list", "1,2"}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.N != 20 || cfg.Inner.K != 7 || got.Config.Seed != 9 || len(cfg.Inner.List) != 2 {
		t.Errorf("cfg %+v seed %d", cfg, got.Config.Seed)
	}
	for _, f := range []string{"a.txt", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(dir, "out", f)); err != nil {
			t.Error(err)
		}
	}
}

func TestFailedStageLeavesOutputUntouched(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "p.yaml", "simulate: {n: 20}\n")
	out := filepath.Join(dir, "out")
	write := func(text string, fail bool) error {
		return Execute(context.Background(), testStage(defaults(), func(r *Run) error {
			if err := os.WriteFile(r.Path("a.txt"), []byte(text), 0o644); err != nil {
				return err
			}
			if fail {
				return errors.New("boom")
			}
			return nil
		}), []string{"--config", path, "--out", out}, io.Discard, io.Discard)
	}
	if err := write("good", false); err != nil {
		t.Fatal(err)
	}
	if err := write("bad", true); err == nil {
		t.Fatal("want failure")
	}
	b, _ := os.ReadFile(filepath.Join(out, "a.txt"))
	if string(b) != "good" {
		t.Errorf("output changed to %q", b)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 2 {
		t.Errorf("leftovers in output folder: %v", entries)
	}
	// A bad flag value is a usage error before anything runs.
	err := Execute(context.Background(), testStage(defaults(), func(r *Run) error { t.Fatal("ran"); return nil }),
		[]string{"--config", path, "--out", out, "--n", "-3"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "simulate.n must be positive") {
		t.Errorf("got %v", err)
	}
}
