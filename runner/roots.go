package runner

import (
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"sync"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// Where HTTPS verification takes its certificate authorities from.
const (
	RootsSystem   = "system"   // the host's CA certificates
	RootsEmbedded = "embedded" // Mozilla's roots, built into the binary
)

var (
	rootsOnce     sync.Once
	rootsSource   string
	embeddedCount int
)

// TrustRoots makes HTTPS verification trust the system's certificate
// authorities or, where the system has none (a FROM scratch image, a
// distroless container), the Mozilla NSS roots embedded in the binary. It
// returns which: RootsSystem or RootsEmbedded. It decides once per process,
// before any TLS handshake; --ca-cert adds to whichever roots it chose.
func TrustRoots() string {
	rootsOnce.Do(func() { rootsSource = chooseRoots(os.Getenv("GODEBUG")) })
	return rootsSource
}

// chooseRoots keeps a host's own trust store whenever it has one, even a
// pruned one: an organisation that removed a CA meant it.
func chooseRoots(godebug string) string {
	if !fallbackForced(godebug) {
		if pool, err := x509.SystemCertPool(); err == nil && !pool.Equal(x509.NewCertPool()) {
			return RootsSystem
		}
	}
	// SetFallbackRoots only takes effect without system roots (or when
	// GODEBUG=x509usefallbackroots=1 forces it), which is the case here.
	x509.SetFallbackRoots(embeddedRoots())
	return RootsEmbedded
}

// fallbackForced reports whether GODEBUG holds x509usefallbackroots=1
// (the last setting wins, as in the Go runtime).
func fallbackForced(godebug string) bool {
	forced := false
	for _, kv := range strings.Split(godebug, ",") {
		if name, value, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && name == "x509usefallbackroots" {
			forced = value == "1"
		}
	}
	return forced
}

func embeddedRoots() *x509.CertPool {
	pool := x509.NewCertPool()
	embeddedCount = 0
	for root := range bundle.Roots() {
		cert, err := x509.ParseCertificate(root.Certificate)
		if err != nil {
			continue // cannot happen: the bundle is tested upstream; a bad root is simply not trusted
		}
		if root.Constraint == nil {
			pool.AddCert(cert)
		} else {
			pool.AddCertWithConstraint(cert, root.Constraint)
		}
		embeddedCount++
	}
	return pool
}

// rootsDescription says in one line which roots HTTPS verification trusts.
func rootsDescription() string {
	switch TrustRoots() {
	case RootsEmbedded:
		why := "no system roots found"
		if fallbackForced(os.Getenv("GODEBUG")) {
			why = "forced by GODEBUG=x509usefallbackroots=1"
		}
		return fmt.Sprintf("embedded fallback (%d Mozilla NSS roots built in; %s)", embeddedCount, why)
	default:
		return "system (the host's CA certificates)"
	}
}
