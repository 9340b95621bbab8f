// Command elfcheck checks that release binaries are static Linux executables
// for the architecture they claim.
//
// Usage:
//
//	go run ./scripts/release/elfcheck GOARCH=PATH ...
//
// GOARCH is one of amd64, arm64, riscv64 or arm. For each binary it checks:
// the ELF class and machine (EM_X86_64, EM_AARCH64, EM_RISCV, EM_ARM), no
// PT_INTERP or PT_DYNAMIC program header and no needed shared libraries, and
// from the Go build information: GOARCH, CGO_ENABLED=0, GOARM=7 for arm, and
// for riscv64 the RVA20U64 baseline (GORISCV64 unset or rva20u64) and the
// double-float ABI in the ELF flags. It prints one line per binary and exits
// with status 1 if any check failed.
package main

import (
	"debug/buildinfo"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// target describes the ELF header a binary built for one GOARCH must have.
type target struct {
	class   elf.Class
	machine elf.Machine
	// levelKey is the build setting that holds the architecture level,
	// such as GOAMD64.
	levelKey string
}

var targets = map[string]target{
	"amd64":   {elf.ELFCLASS64, elf.EM_X86_64, "GOAMD64"},
	"arm64":   {elf.ELFCLASS64, elf.EM_AARCH64, "GOARM64"},
	"riscv64": {elf.ELFCLASS64, elf.EM_RISCV, "GORISCV64"},
	"arm":     {elf.ELFCLASS32, elf.EM_ARM, "GOARM"},
}

// RISC-V e_flags bits from the RISC-V ELF psABI.
const (
	riscvFloatABIMask   = 0x6
	riscvFloatABIDouble = 0x4
	riscvRVE            = 0x8
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: elfcheck GOARCH=PATH ... (GOARCH: amd64, arm64, riscv64, arm)")
		return 2
	}

	failed := false
	for _, arg := range args {
		goarch, path, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintf(stderr, "invalid argument %q: expected GOARCH=PATH\n", arg)
			return 2
		}
		summary, err := check(goarch, path)
		if err != nil {
			fmt.Fprintf(stdout, "FAIL %-8s %s: %v\n", goarch, path, err)
			failed = true
			continue
		}
		fmt.Fprintf(stdout, "ok   %-8s %s: %s\n", goarch, path, summary)
	}
	if failed {
		return 1
	}
	return 0
}

// check returns a one-line summary of the binary, or every problem found.
func check(goarch, path string) (string, error) {
	want, ok := targets[goarch]
	if !ok {
		return "", fmt.Errorf("unsupported GOARCH %q", goarch)
	}

	f, err := elf.Open(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	flags, err := readFlags(path, f.Class)
	if err != nil {
		return "", err
	}

	var problems []error
	problems = append(problems, checkHeader(f, want)...)
	problems = append(problems, checkStatic(f)...)

	info, err := buildinfo.ReadFile(path)
	if err != nil {
		problems = append(problems, fmt.Errorf("reading Go build information: %w", err))
		return "", joinProblems(problems)
	}
	settings := make(map[string]string)
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	problems = append(problems, checkSettings(goarch, want, settings)...)
	if goarch == "riscv64" {
		problems = append(problems, checkRISCVFlags(flags)...)
	}
	if len(problems) > 0 {
		return "", joinProblems(problems)
	}

	level := settings[want.levelKey]
	if level == "" {
		level = "default"
	}
	return fmt.Sprintf("%s %s, static, no PT_INTERP, %s=%s, flags=%#x, %s",
		f.Machine, f.Class, want.levelKey, level, flags, info.GoVersion), nil
}

// readFlags returns e_flags, which debug/elf does not expose. It sits at
// offset 0x24 in an ELF32 header and 0x30 in an ELF64 header.
func readFlags(path string, class elf.Class) (uint32, error) {
	offset := int64(0x30)
	if class == elf.ELFCLASS32 {
		offset = 0x24
	}
	file, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer file.Close()

	var raw [4]byte
	if _, err := file.ReadAt(raw[:], offset); err != nil {
		return 0, fmt.Errorf("reading e_flags: %w", err)
	}
	// Every target here is little-endian, and checkHeader rejects the others.
	return binary.LittleEndian.Uint32(raw[:]), nil
}

func checkHeader(f *elf.File, want target) []error {
	var problems []error
	if f.Class != want.class {
		problems = append(problems, fmt.Errorf("class %v, want %v", f.Class, want.class))
	}
	if f.Machine != want.machine {
		problems = append(problems, fmt.Errorf("machine %v, want %v", f.Machine, want.machine))
	}
	if f.Data != elf.ELFDATA2LSB {
		problems = append(problems, fmt.Errorf("byte order %v, want %v", f.Data, elf.ELFDATA2LSB))
	}
	if f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX {
		problems = append(problems, fmt.Errorf("OS ABI %v, want %v or %v", f.OSABI, elf.ELFOSABI_NONE, elf.ELFOSABI_LINUX))
	}
	if f.Type != elf.ET_EXEC {
		problems = append(problems, fmt.Errorf("type %v, want %v (a static, non-PIE executable)", f.Type, elf.ET_EXEC))
	}
	return problems
}

func checkStatic(f *elf.File) []error {
	var problems []error
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_INTERP:
			problems = append(problems, errors.New("has a PT_INTERP program header (dynamically linked)"))
		case elf.PT_DYNAMIC:
			problems = append(problems, errors.New("has a PT_DYNAMIC program header"))
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		problems = append(problems, fmt.Errorf("reading needed libraries: %w", err))
	}
	if len(libs) > 0 {
		problems = append(problems, fmt.Errorf("needs shared libraries %v", libs))
	}
	return problems
}

func checkSettings(goarch string, want target, settings map[string]string) []error {
	var problems []error
	if got := settings["GOARCH"]; got != goarch {
		problems = append(problems, fmt.Errorf("build setting GOARCH=%q, want %q", got, goarch))
	}
	if got := settings["GOOS"]; got != "linux" {
		problems = append(problems, fmt.Errorf("build setting GOOS=%q, want linux", got))
	}
	if got := settings["CGO_ENABLED"]; got != "0" {
		problems = append(problems, fmt.Errorf("build setting CGO_ENABLED=%q, want 0", got))
	}
	switch goarch {
	case "arm":
		// Go records GOARM=7, with ",softfloat" or ",hardfloat" when set.
		if got := settings["GOARM"]; got != "7" && !strings.HasPrefix(got, "7,") {
			problems = append(problems, fmt.Errorf("build setting GOARM=%q, want 7", got))
		}
	case "riscv64":
		// RVA20U64 is the default. A higher profile (rva22u64, rva23u64)
		// emits instructions that RV64GC boards such as the JH7110 lack.
		if got := settings[want.levelKey]; got != "" && got != "rva20u64" {
			problems = append(problems, fmt.Errorf("build setting GORISCV64=%q, want rva20u64 (the default)", got))
		}
	}
	return problems
}

func checkRISCVFlags(flags uint32) []error {
	var problems []error
	if flags&riscvFloatABIMask != riscvFloatABIDouble {
		problems = append(problems, fmt.Errorf("ELF flags %#x: float ABI is not double (lp64d)", flags))
	}
	if flags&riscvRVE != 0 {
		problems = append(problems, fmt.Errorf("ELF flags %#x: built for RV64E", flags))
	}
	return problems
}

// joinProblems joins errors into one line, so that each binary gets one
// line of output.
func joinProblems(problems []error) error {
	messages := make([]string, len(problems))
	for i, p := range problems {
		messages[i] = p.Error()
	}
	return errors.New(strings.Join(messages, "; "))
}
