package runner

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The trust store is decided once per process, so each scenario runs in a
// child process: the test binary itself, running TestRootsChild.
const rootsChildEnv = "APICONFORM_TEST_ROOTS_CHILD"

// TestRootsChild is not a test on its own: in a child process it verifies
// a public root (ISRG Root X1, Let's Encrypt's) against the default trust
// store before and after Main, and prints what `apiconform version` says.
func TestRootsChild(t *testing.T) {
	if os.Getenv(rootsChildEnv) == "" {
		t.Skip("runs only as the child of the trusted-roots tests")
	}
	data, err := os.ReadFile(filepath.Join("testdata", "isrg-root-x1.pem"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	verify := func() string {
		if _, err := cert.Verify(x509.VerifyOptions{}); err != nil {
			return "untrusted"
		}
		return "trusted"
	}
	before := verify()
	var out bytes.Buffer
	code := Main(context.Background(), []string{"version"}, Env{Stdout: &out, Stderr: &out, LookupEnv: os.LookupEnv})
	fmt.Printf("\nbefore=%s after=%s exit=%d\n%s", before, verify(), code, out.String())
}

func runRootsChild(t *testing.T, env ...string) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		// Elsewhere the platform verifier is always there and ignores SSL_CERT_FILE.
		t.Skipf("trust-store scenarios are set up through SSL_CERT_FILE/SSL_CERT_DIR, which %s does not read", runtime.GOOS)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRootsChild$", "-test.v")
	cmd.Env = append(os.Environ(), append([]string{rootsChildEnv + "=1", "GODEBUG="}, env...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %s\n%s", err, out)
	}
	return string(out)
}

func TestEmbeddedRootsAreTrustedWhenTheSystemHasNone(t *testing.T) {
	none := filepath.Join(t.TempDir(), "none")
	out := runRootsChild(t, "SSL_CERT_FILE="+none, "SSL_CERT_DIR="+none)
	for _, want := range []string{
		// Without the embedded roots a public chain could not verify at all ...
		"before=untrusted after=trusted exit=0",
		// ... and `apiconform version` says where its trust comes from.
		"trusted CA roots: embedded fallback (",
		"no system roots found)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

func TestSystemRootsWinWhenPresentEvenIfPruned(t *testing.T) {
	// A trust store without Let's Encrypt: the host's choice must stand,
	// so the embedded roots must not quietly add ISRG Root X1 back.
	store := filepath.Join(t.TempDir(), "ca.pem")
	writeTestCA(t, store)
	out := runRootsChild(t, "SSL_CERT_FILE="+store, "SSL_CERT_DIR="+filepath.Dir(store))
	for _, want := range []string{"before=untrusted after=untrusted exit=0", "trusted CA roots: system (the host's CA certificates)"} {
		if !strings.Contains(out, want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

func TestGodebugForcesTheEmbeddedRoots(t *testing.T) {
	store := filepath.Join(t.TempDir(), "ca.pem")
	writeTestCA(t, store)
	out := runRootsChild(t, "SSL_CERT_FILE="+store, "GODEBUG=x509usefallbackroots=1")
	for _, want := range []string{"after=trusted exit=0", "forced by GODEBUG=x509usefallbackroots=1)"} {
		if !strings.Contains(out, want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

func TestFallbackForced(t *testing.T) {
	for godebug, want := range map[string]bool{
		"":                                      false,
		"x509usefallbackroots=1":                true,
		"http2client=0, x509usefallbackroots=1": true,
		"x509usefallbackroots=1,x509usefallbackroots=0": false,
		"x509usefallbackroots=0":                        false,
	} {
		if got := fallbackForced(godebug); got != want {
			t.Errorf("fallbackForced(%q) = %v, want %v", godebug, got, want)
		}
	}
}

// writeTestCA writes a freshly generated, self-signed CA certificate.
func writeTestCA(t *testing.T, path string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "apiconform test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRootsLazyChild, in a child process, prepares a plain http:// run
// and then an https:// one, and prints whether the trust roots were
// loaded after each.
func TestRootsLazyChild(t *testing.T) {
	if os.Getenv(rootsChildEnv) == "" {
		t.Skip("runs only as the child of the trusted-roots tests")
	}
	for _, base := range []string{"http://127.0.0.1:1", "https://127.0.0.1:1"} {
		var out bytes.Buffer
		Main(context.Background(), []string{"run", "--base-url", base, "--path", "/items", "--found", "2", "--dry-run"},
			Env{Stdout: &out, Stderr: &out, LookupEnv: func(string) (string, bool) { return "", false }})
		fmt.Printf("\n%s roots=%q\n", base, rootsSource)
	}
}

// TestCARootsLoadOnlyForTLS: a plain http:// run never pays for loading
// the CA roots; an https:// one loads them before its first handshake.
func TestCARootsLoadOnlyForTLS(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the child runs on linux only")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRootsLazyChild$", "-test.v")
	cmd.Env = append(os.Environ(), rootsChildEnv+"=1", "HTTP_PROXY=", "HTTPS_PROXY=", "http_proxy=", "https_proxy=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %s\n%s", err, out)
	}
	for _, want := range []string{`http://127.0.0.1:1 roots=""`, `https://127.0.0.1:1 roots="`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("want %s in:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), `https://127.0.0.1:1 roots=""`) {
		t.Errorf("an https:// run did not load the roots:\n%s", out)
	}
}
