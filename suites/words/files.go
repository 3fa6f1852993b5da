package words

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ReadFileLimited reads a file the user names, at most limit bytes: a
// device (/dev/zero), a huge file or a wrong path never fills memory.
// Errors are one line in the user's words.
func ReadFileLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, errors.New(pe.Err.Error())
		}
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil {
		switch {
		case info.IsDir():
			return nil, errors.New("is a directory, not a file")
		case info.Mode()&os.ModeDevice != 0:
			return nil, errors.New("is a device, not a file")
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, errors.New("cannot be read: " + err.Error())
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("is larger than %s, more than such a file ever needs", size(limit))
	}
	return data, nil
}

func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
