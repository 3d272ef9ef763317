package stages

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"go.yaml.in/yaml/v3"
)

// FileRecord describes one input or output file in a manifest.
type FileRecord struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	Rows   int64  `json:"rows,omitempty"`
}

// Manifest is written as manifest.json beside a stage's outputs.
type Manifest struct {
	Stage        string             `json:"stage"`
	Version      string             `json:"version"`
	GoVersion    string             `json:"go_version"`
	Started      time.Time          `json:"started"`
	WallSeconds  float64            `json:"wall_seconds"`
	PeakRSSBytes int64              `json:"peak_rss_bytes"`
	Cores        int                `json:"cores"`
	Seed         uint64             `json:"seed"`
	Config       map[string]any     `json:"config"`
	Inputs       []FileRecord       `json:"inputs"`
	Outputs      []FileRecord       `json:"outputs"`
	Throughput   map[string]float64 `json:"throughput,omitempty"`
	Notes        map[string]any     `json:"notes,omitempty"`
}

// Version is the program version: the module version, or the VCS revision
// the binary was built from.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				v += "+dirty"
			}
		}
	}
	return v
}

// HashFile returns the file's size and SHA-256.
func HashFile(path string) (FileRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileRecord{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return FileRecord{}, fmt.Errorf("hashing %s: %w", path, err)
	}
	return FileRecord{Path: path, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// PeakRSS is the process's peak resident memory in bytes (Linux ru_maxrss).
func PeakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024
}

func newManifest(stage string, seed uint64) *Manifest {
	return &Manifest{
		Stage: stage, Version: Version(), GoVersion: runtime.Version(),
		Started: time.Now().UTC(), Cores: runtime.GOMAXPROCS(0), Seed: seed,
		Throughput: map[string]float64{}, Notes: map[string]any{},
	}
}

// toMap turns a config struct into a generic map through its YAML form, keyed
// like pipeline.yaml.
func toMap(v any) map[string]any {
	b, _ := yaml.Marshal(v)
	var m map[string]any
	_ = yaml.Unmarshal(b, &m)
	return m
}

// write stores the manifest as indented JSON at path.
func (m *Manifest) write(path string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
