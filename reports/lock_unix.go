//go:build unix

package reports

import (
	"os"
	"path/filepath"
	"syscall"
)

// lockDir holds an exclusive lock on the report directory until the
// returned function is called, so two runs writing into one directory
// take turns and each leaves a whole set.
func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, ".apiconform.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
