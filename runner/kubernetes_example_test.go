package runner

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// k8sObject is the part of a Kubernetes manifest the example test reads.
type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct{ Name string }
	Data     map[string]string `yaml:"data"`
	Spec     struct {
		JobTemplate struct {
			Spec struct {
				Template struct {
					Spec k8sPodSpec `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		} `yaml:"jobTemplate"`
	} `yaml:"spec"`
}

type k8sPodSpec struct {
	Containers []k8sContainer `yaml:"containers"`
	Volumes    []struct {
		Name      string                 `yaml:"name"`
		ConfigMap *struct{ Name string } `yaml:"configMap"`
	} `yaml:"volumes"`
}

type k8sContainer struct {
	Name         string      `yaml:"name"`
	Args         []string    `yaml:"args"`
	Env          []k8sEnvVar `yaml:"env"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type k8sEnvVar struct {
	Name      string `yaml:"name"`
	ValueFrom *struct {
		SecretKeyRef *struct{ Name, Key string } `yaml:"secretKeyRef"`
	} `yaml:"valueFrom"`
}

// The CronJob example in docs/kubernetes must keep working: each job's
// arguments load the ConfigMap's config, read the token from the Secret's
// variable, and the jobs' label filters split the config's cases between
// them, every case in exactly one job.
func TestKubernetesCronJobExample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "kubernetes", "cronjob.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var objects []k8sObject
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var o k8sObject
		if err := dec.Decode(&o); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("cronjob.yaml: %v", err)
		}
		objects = append(objects, o)
	}

	configMaps := map[string]string{} // ConfigMap name -> directory holding its files
	for _, o := range objects {
		if o.Kind != "ConfigMap" {
			continue
		}
		dir := t.TempDir()
		for file, content := range o.Data {
			if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		configMaps[o.Metadata.Name] = dir
	}

	lookup := func(name string) (string, bool) {
		if name == "API_TOKEN" {
			return "token-from-the-secret", true
		}
		return "", false
	}
	var all []string
	seen := map[string]string{} // case ID -> CronJob that runs it
	jobs := 0
	for _, o := range objects {
		if o.Kind != "CronJob" {
			continue
		}
		jobs++
		pod := o.Spec.JobTemplate.Spec.Template.Spec
		if len(pod.Containers) != 1 || pod.Containers[0].Name != "apiconform" {
			t.Fatalf("%s: want one container named apiconform (the podFailurePolicy names it)", o.Metadata.Name)
		}
		c := pod.Containers[0]
		if len(c.Args) == 0 || c.Args[0] != "run" {
			t.Fatalf("%s: args %q do not start with run", o.Metadata.Name, c.Args)
		}
		tokenFromSecret := slices.ContainsFunc(c.Env, func(e k8sEnvVar) bool {
			return e.Name == "API_TOKEN" && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil
		})
		if !tokenFromSecret || !slices.Contains(c.Args, "--token-env=API_TOKEN") {
			t.Errorf("%s: the token must come from a Secret as API_TOKEN, named with --token-env=API_TOKEN", o.Metadata.Name)
		}

		// Point the mounted ConfigMap at the files written above.
		args := slices.Clone(c.Args[1:])
		for _, m := range c.VolumeMounts {
			for _, v := range pod.Volumes {
				if v.Name != m.Name || v.ConfigMap == nil {
					continue
				}
				dir, ok := configMaps[v.ConfigMap.Name]
				if !ok {
					t.Fatalf("%s: mounts ConfigMap %s, which the file does not define", o.Metadata.Name, v.ConfigMap.Name)
				}
				for i := range args {
					args[i] = strings.ReplaceAll(args[i], m.MountPath+"/", dir+"/")
				}
			}
		}
		cfg, err := LoadConfig(args, lookup, newRunFlagSet)
		if err != nil {
			t.Fatalf("%s: %v", o.Metadata.Name, err)
		}
		job, err := Prepare(cfg, Env{LookupEnv: lookup})
		if err != nil {
			t.Fatalf("%s: %v", o.Metadata.Name, err)
		}
		for _, c := range job.Plan.Cases {
			if other, dup := seen[c.ID]; dup {
				t.Errorf("case %s runs in both %s and %s", c.ID, other, o.Metadata.Name)
			}
			seen[c.ID] = o.Metadata.Name
		}

		// The whole config, without the job's filter, for the coverage check.
		cfg.LabelFilter = ""
		whole, err := Prepare(cfg, Env{LookupEnv: lookup})
		if err != nil {
			t.Fatal(err)
		}
		all = all[:0]
		for _, c := range whole.Plan.Cases {
			all = append(all, c.ID)
		}
	}
	if jobs < 2 {
		t.Fatalf("the example should show a config split across at least two CronJobs; found %d", jobs)
	}
	for _, id := range all {
		if _, ok := seen[id]; !ok {
			t.Errorf("case %s runs in no CronJob: the label filters do not cover the config", id)
		}
	}
}
