package stages

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-multierror"
	"github.com/spf13/pflag"
)

// Stage describes one stage binary for Main.
type Stage struct {
	Name    string
	Summary string
	// Config points to the stage's section struct, holding its defaults.
	Config any
	// Run does the work, writing outputs through r.Path.
	Run func(r *Run) error
}

// Run is what a stage's Run function gets: the resolved configuration, the
// output folder and the manifest being assembled.
type Run struct {
	Stage      string
	ConfigPath string
	Config     RunConfig
	Out        *Output
	Manifest   *Manifest
	Ctx        context.Context
	Log        io.Writer
}

// ErrNothingWritten, returned by a stage's Run, ends the stage successfully
// without touching its output folder (a dry run).
var ErrNothingWritten = errors.New("nothing written")

// ExitError carries a specific process exit code.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// Path returns where to write the output file name.
func (r *Run) Path(name string) string { return r.Out.Path(name) }

// StageDir is the default output folder of a stage in this run.
func (r *Run) StageDir(stage string) string {
	return filepath.Join(r.Config.Root, r.Config.Name, stage)
}

// AddInput records an input file, with its hash, in the manifest.
func (r *Run) AddInput(path string) error {
	rec, err := HashFile(path)
	if err != nil {
		return err
	}
	r.Manifest.Inputs = append(r.Manifest.Inputs, rec)
	return nil
}

// SetRows records the row count of an output file for the manifest.
func (r *Run) SetRows(name string, rows int64) {
	if r.Manifest.Notes["rows"] == nil {
		r.Manifest.Notes["rows"] = map[string]int64{}
	}
	r.Manifest.Notes["rows"].(map[string]int64)[name] = rows
}

// Logf writes one log line.
func (r *Run) Logf(format string, args ...any) {
	fmt.Fprintf(r.Log, "%s: %s\n", r.Stage, fmt.Sprintf(format, args...))
}

// Progress starts a progress report for a loop of total units.
func (r *Run) Progress(desc string, total int64) *Progress {
	return NewProgress(r.Log, r.Stage+": "+desc, total)
}

// Main runs the stage with the process's arguments and exits: 0 on success,
// the ExitError's code where one is given, 1 on any other error.
func Main(s Stage) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := Execute(ctx, s, os.Args[1:], os.Stdout, os.Stderr)
	if err == nil || errors.Is(err, pflag.ErrHelp) {
		return
	}
	fmt.Fprintf(os.Stderr, "%s: %v\n", s.Name, err)
	var ee *ExitError
	if errors.As(err, &ee) {
		os.Exit(ee.Code)
	}
	os.Exit(1)
}

// Execute parses args, loads and validates the configuration, runs the stage
// into a staging folder and commits its outputs with a manifest. On any error
// nothing in the output folder changes.
func Execute(ctx context.Context, s Stage, args []string, stdout, stderr io.Writer) error {
	fs := pflag.NewFlagSet(s.Name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	// --dry-run and --dry_run name the same key.
	fs.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		return pflag.NormalizedName(strings.ReplaceAll(name, "-", "_"))
	})
	configPath := fs.String("config", "pipeline.yaml", "pipeline configuration file")
	outDir := fs.String("out", "", "output folder (default <run.root>/<run.name>/"+s.Name+")")
	scratchRun := DefaultRun()
	scratch := reflect.New(reflect.TypeOf(s.Config).Elem())
	scratch.Elem().Set(reflect.ValueOf(s.Config).Elem())
	runFlags := bindFlags(fs, "run", &scratchRun)
	secFlags := bindFlags(fs, "", scratch.Interface())
	fs.Usage = func() {
		fmt.Fprintf(stdout, "%s: %s\n\nUsage: %s [flags]\n\nEvery key of the %q and \"run\" sections of the configuration is also a flag; a flag overrides the file.\n\n%s",
			s.Name, s.Summary, s.Name, s.Name, fs.FlagUsages())
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return &ExitError{Code: 2, Err: err}
	}
	if fs.NArg() > 0 {
		return &ExitError{Code: 2, Err: fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	run := DefaultRun()
	errs := decodeConfig(*configPath, s.Name, &run, s.Config)
	if err := applyFlags(fs, runFlags, &scratchRun, &run); err != nil {
		return err
	}
	if err := applyFlags(fs, secFlags, scratch.Interface(), s.Config); err != nil {
		return err
	}
	errs = append(errs, validate(&run, s.Config)...)
	if err := prefixErrors(*configPath, &multierror.Error{Errors: errs}); err != nil {
		return err
	}
	dir := *outDir
	if dir == "" {
		dir = filepath.Join(run.Root, run.Name, s.Name)
	}
	return execute(ctx, s, &run, *configPath, dir, stderr)
}

func execute(ctx context.Context, s Stage, run *RunConfig, configPath, dir string, logw io.Writer) error {
	start := time.Now()
	out, err := NewOutput(dir)
	if err != nil {
		return err
	}
	r := &Run{Stage: s.Name, ConfigPath: configPath, Config: *run, Out: out, Ctx: ctx, Log: logw,
		Manifest: newManifest(s.Name, run.Seed)}
	r.Manifest.Config = map[string]any{"run": toMap(run), s.Name: toMap(s.Config)}
	if err := s.Run(r); err != nil {
		out.Abort()
		if errors.Is(err, ErrNothingWritten) {
			return nil
		}
		return err
	}
	if err := ctx.Err(); err != nil {
		out.Abort()
		return fmt.Errorf("interrupted: %w", err)
	}
	if err := r.finishManifest(start); err != nil {
		out.Abort()
		return err
	}
	if err := out.Commit("manifest.json"); err != nil {
		return err
	}
	r.Logf("wrote %d files to %s in %s", len(out.Names()), dir, time.Since(start).Round(time.Millisecond))
	return nil
}

// finishManifest hashes the outputs and writes manifest.json into staging.
func (r *Run) finishManifest(start time.Time) error {
	rows, _ := r.Manifest.Notes["rows"].(map[string]int64)
	delete(r.Manifest.Notes, "rows")
	for _, name := range r.Out.Names() {
		rec, err := HashFile(r.Out.Path(name))
		if err != nil {
			return err
		}
		rec.Path = name
		rec.Rows = rows[name]
		r.Manifest.Outputs = append(r.Manifest.Outputs, rec)
	}
	r.Manifest.WallSeconds = time.Since(start).Seconds()
	r.Manifest.PeakRSSBytes = PeakRSS()
	return r.Manifest.write(r.Out.Path("manifest.json"))
}
