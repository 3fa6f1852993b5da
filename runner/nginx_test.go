package runner

import (
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apiconform/apiconform/suites"
)

const nginxConf = `worker_processes 1;
daemon off;
pid {{dir}}/nginx.pid;
error_log {{dir}}/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path {{dir}}/tmp-body;
  proxy_temp_path {{dir}}/tmp-proxy;
  fastcgi_temp_path {{dir}}/tmp-fcgi;
  uwsgi_temp_path {{dir}}/tmp-uwsgi;
  scgi_temp_path {{dir}}/tmp-scgi;
  default_type application/json;
  limit_req_zone $binary_remote_addr zone=default503:1m rate=5r/s;
  limit_req_zone $binary_remote_addr zone=status429:1m rate=5r/s;
  server {
    listen 127.0.0.1:{{port}};
    root {{dir}}/www;
    # nginx's default: rate limiting answered with 503.
    location /limited/ { limit_req zone=default503 burst=3 nodelay; alias {{dir}}/www/api/; }
    # Configured as RFC 6585 wants: 429 with Retry-After.
    location /limited429/ {
      limit_req zone=status429 burst=3 nodelay;
      limit_req_status 429;
      add_header Retry-After 1 always;
      alias {{dir}}/www/api/;
    }
    location /auth/ { auth_basic "apiconform"; auth_basic_user_file {{dir}}/htpasswd; alias {{dir}}/www/api/; }
    location /api/ { }
  }
}
`

// startNginx starts Debian's nginx on a loopback port with limit_req and
// auth_basic locations and returns its base URL. Without nginx the test
// skips, unless APICONFORM_REQUIRE_NGINX is set (CI sets it).
func startNginx(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, statErr := os.Stat("/usr/sbin/nginx"); statErr == nil {
			bin, err = "/usr/sbin/nginx", nil
		}
	}
	if err != nil {
		if os.Getenv("APICONFORM_REQUIRE_NGINX") != "" {
			t.Fatal("nginx is required (APICONFORM_REQUIRE_NGINX is set) but not installed: apt-get install nginx")
		}
		t.Skip("nginx not installed (apt-get install nginx); CI runs this test")
	}
	// Not t.TempDir: its parent is private, and the workers of a root
	// master run as nobody and must read the files.
	dir, err := os.MkdirTemp("", "apiconform-nginx-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	conf := strings.NewReplacer("{{dir}}", dir, "{{port}}", fmt.Sprint(port)).Replace(nginxConf)
	files := map[string]string{
		"nginx.conf":    conf,
		"htpasswd":      "demo:{PLAIN}s3cret-pass\n",
		"www/api/items": `{"data":[{"id":2,"name":"Widget B"},{"id":3,"name":"Widget C"}]}`,
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := os.Create(filepath.Join(dir, "stderr.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group, so that the workers go with the master.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(5 * time.Second); ; {
		if conn, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			conn.Close()
			break
		}
		if time.Now().After(deadline) {
			stderr, _ := os.ReadFile(filepath.Join(dir, "stderr.log"))
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s %s", stderr, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "http://" + addr
}

// TestVerdictsMatchWhatNginxDoes points apiconform at a real nginx and
// checks each verdict against what nginx really sends.
func TestVerdictsMatchWhatNginxDoes(t *testing.T) {
	base := startNginx(t)
	run := func(prefix string, env map[string]string, extra ...string) runResult {
		args := append([]string{"run", "--base-url", base + prefix, "--profile", "strict",
			"--path", "/items", "--found", "2,3", "--missing", "1,999"}, extra...)
		return runMain(t, env, args...)
	}

	t.Run("limit_req answers 503 by default", func(t *testing.T) {
		res := run("/limited", nil, "--rate-limit-burst", "30", "--label-filter", "rate-limit")
		c := caseByKind(t, res.run, "rate-limit")
		if res.code != ExitFail || c.Outcome != suites.Fail || !strings.Contains(c.Failures[0].Message, "rate limiting answered with 503") {
			t.Fatalf("exit %d: %+v", res.code, c)
		}
	})

	t.Run("limit_req_status 429 with Retry-After passes and recovers", func(t *testing.T) {
		res := run("/limited429", nil, "--rate-limit-burst", "30", "--label-filter", "rate-limit")
		c := caseByKind(t, res.run, "rate-limit")
		if res.code != ExitPass || c.Outcome != suites.Pass {
			t.Fatalf("exit %d: %s", res.code, res.stdout)
		}
		if notes := fmt.Sprint(c.Notes); !strings.Contains(notes, "the next request got 200") {
			t.Fatalf("recovery not recorded: %s", notes)
		}
	})

	t.Run("auth_basic challenges its 401s", func(t *testing.T) {
		token := base64.StdEncoding.EncodeToString([]byte("demo:s3cret-pass"))
		res := run("/auth", map[string]string{"NGINX_BASIC": token},
			"--token-env", "NGINX_BASIC", "--auth-scheme", "Basic", "--label-filter", "auth || case:found")
		got := outcomes(res.run)
		if res.code != ExitPass || got["found"] != suites.Pass || got["auth-missing"] != suites.Pass || got["auth-invalid"] != suites.Pass || got["auth-forbidden"] != suites.Skipped {
			t.Fatalf("exit %d %v\n%s", res.code, got, res.stdout)
		}
		assertNoSecrets(t, res, token)
	})

	t.Run("static 405 carries no Allow; 404 no Cache-Control", func(t *testing.T) {
		res := run("/api", nil, "--wrong-method", "DELETE", "--label-filter", "routing")
		wrong := caseByKind(t, res.run, "wrong-method")
		if wrong.Outcome != suites.Fail || wrong.Failures[0].Check != "rule:405-allow" || wrong.Response.Status != 405 {
			t.Fatalf("wrong-method: %+v", wrong)
		}
		if _, hasAllow := wrong.Response.Headers["Allow"]; hasAllow {
			t.Fatal("nginx sent Allow after all: the verdict would be wrong")
		}
		unknown := caseByKind(t, res.run, "unknown-endpoint")
		if unknown.Outcome != suites.Pass || len(unknown.Warnings) != 1 || unknown.Warnings[0].Check != "rule:error-cache-control" {
			t.Fatalf("unknown-endpoint: %+v", unknown)
		}
	})
}
