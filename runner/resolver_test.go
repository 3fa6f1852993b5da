package runner

import (
	"context"
	"net"
	"sync"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

var (
	localDNSOnce sync.Once
	localDNSAddr string
)

// localResolver answers every lookup from a DNS server on loopback that
// knows no name (NXDOMAIN): no test sends a query through the host's
// resolver, and a name that must not resolve does not.
func localResolver(t *testing.T) *net.Resolver {
	t.Helper()
	localDNSOnce.Do(func() {
		conn, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("local DNS server: %v", err)
		}
		localDNSAddr = conn.LocalAddr().String()
		go serveNXDOMAIN(conn)
	})
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", localDNSAddr)
	}}
}

// serveNXDOMAIN answers every query with "no such name".
func serveNXDOMAIN(conn net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		n, addr, err := conn.ReadFrom(buf)
		if err != nil {
			return
		}
		var p dnsmessage.Parser
		h, err := p.Start(buf[:n])
		if err != nil {
			continue
		}
		q, err := p.Question()
		if err != nil {
			continue
		}
		b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, RCode: dnsmessage.RCodeNameError, RecursionAvailable: true})
		_ = b.StartQuestions()
		_ = b.Question(q)
		if msg, err := b.Finish(); err == nil {
			_, _ = conn.WriteTo(msg, addr)
		}
	}
}
