package main

import (
	"context"
	"fmt"
	"strings"

	authv1 "k8s.io/api/authentication/v1"
	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// volumeFile is one file of a Secret, ConfigMap, downwardAPI or projected volume.
type volumeFile struct {
	data []byte
	mode int32
}

// volumeFiles makes the files of a Secret, ConfigMap, downwardAPI or projected volume (a
// projected service account token is requested through the TokenRequest API, bound to the Pod).
func volumeFiles(ctx context.Context, src objectSource, pod *v1.Pod, v *v1.Volume, cfg config) (map[string]volumeFile, error) {
	files := map[string]volumeFile{}
	mode := int32(0o644)
	switch {
	case v.Secret != nil:
		if v.Secret.DefaultMode != nil {
			mode = *v.Secret.DefaultMode
		}
		return files, secretFiles(ctx, src, pod, v.Secret.SecretName, v.Secret.Items, v.Secret.Optional, mode, files)
	case v.ConfigMap != nil:
		if v.ConfigMap.DefaultMode != nil {
			mode = *v.ConfigMap.DefaultMode
		}
		return files, configMapFiles(ctx, src, pod, v.ConfigMap.Name, v.ConfigMap.Items, v.ConfigMap.Optional, mode, files)
	case v.DownwardAPI != nil:
		if v.DownwardAPI.DefaultMode != nil {
			mode = *v.DownwardAPI.DefaultMode
		}
		return files, downwardFiles(pod, v.DownwardAPI.Items, mode, cfg, files)
	case v.Projected != nil:
		if v.Projected.DefaultMode != nil {
			mode = *v.Projected.DefaultMode
		}
		for _, ps := range v.Projected.Sources {
			var err error
			switch {
			case ps.Secret != nil:
				err = secretFiles(ctx, src, pod, ps.Secret.Name, ps.Secret.Items, ps.Secret.Optional, mode, files)
			case ps.ConfigMap != nil:
				err = configMapFiles(ctx, src, pod, ps.ConfigMap.Name, ps.ConfigMap.Items, ps.ConfigMap.Optional, mode, files)
			case ps.DownwardAPI != nil:
				err = downwardFiles(pod, ps.DownwardAPI.Items, mode, cfg, files)
			case ps.ServiceAccountToken != nil:
				t := ps.ServiceAccountToken
				exp := int64(3600)
				if t.ExpirationSeconds != nil {
					exp = *t.ExpirationSeconds
				}
				var token string
				token, err = src.Token(ctx, pod, t.Audience, exp)
				if err == nil {
					files[t.Path] = volumeFile{data: []byte(token), mode: mode}
				}
			default:
				err = configErrorf("volume %s: unsupported projected source", v.Name)
			}
			if err != nil {
				return nil, err
			}
		}
		return files, nil
	}
	return nil, configErrorf("volume %s: unsupported volume type", v.Name)
}

func keyFiles(data map[string][]byte, items []v1.KeyToPath, optional bool, mode int32, what string, files map[string]volumeFile) error {
	if len(items) == 0 {
		for k, d := range data {
			files[k] = volumeFile{data: d, mode: mode}
		}
		return nil
	}
	for _, it := range items {
		d, ok := data[it.Key]
		if !ok {
			if optional {
				continue
			}
			return configErrorf("%s: key %s not found", what, it.Key)
		}
		m := mode
		if it.Mode != nil {
			m = *it.Mode
		}
		files[it.Path] = volumeFile{data: d, mode: m}
	}
	return nil
}

func secretFiles(ctx context.Context, src objectSource, pod *v1.Pod, name string, items []v1.KeyToPath, optional *bool, mode int32, files map[string]volumeFile) error {
	opt := optional != nil && *optional
	s, err := src.Secret(ctx, pod.Namespace, name)
	if apierrors.IsNotFound(err) && opt {
		return nil
	}
	if err != nil {
		return configErrorf("secret %q: %v", name, err)
	}
	return keyFiles(s.Data, items, opt, mode, fmt.Sprintf("secret %q", name), files)
}

func configMapFiles(ctx context.Context, src objectSource, pod *v1.Pod, name string, items []v1.KeyToPath, optional *bool, mode int32, files map[string]volumeFile) error {
	opt := optional != nil && *optional
	m, err := src.ConfigMap(ctx, pod.Namespace, name)
	if apierrors.IsNotFound(err) && opt {
		return nil
	}
	if err != nil {
		return configErrorf("configmap %q: %v", name, err)
	}
	data := map[string][]byte{}
	for k, v := range m.Data {
		data[k] = []byte(v)
	}
	for k, v := range m.BinaryData {
		data[k] = v
	}
	return keyFiles(data, items, opt, mode, fmt.Sprintf("configmap %q", name), files)
}

// downwardFiles writes downward API items; metadata.labels and .annotations as the kubelet
// formats them: key="value" lines, sorted.
func downwardFiles(pod *v1.Pod, items []v1.DownwardAPIVolumeFile, mode int32, cfg config, files map[string]volumeFile) error {
	penv := podEnvContext{nodeName: cfg.nodeName, podIP: cfg.nodeIP, hostIP: cfg.nodeIP, allocatable: cfg.allocatable}
	for _, it := range items {
		m := mode
		if it.Mode != nil {
			m = *it.Mode
		}
		var value string
		var err error
		switch {
		case it.FieldRef != nil && it.FieldRef.FieldPath == "metadata.labels":
			value = formatMap(pod.Labels)
		case it.FieldRef != nil && it.FieldRef.FieldPath == "metadata.annotations":
			value = formatMap(pod.Annotations)
		case it.FieldRef != nil:
			value, err = fieldValue(pod, it.FieldRef.FieldPath, penv)
		case it.ResourceFieldRef != nil:
			value, err = resourceValue(pod, nil, it.ResourceFieldRef, penv)
		}
		if err != nil {
			return err
		}
		files[it.Path] = volumeFile{data: []byte(value), mode: m}
	}
	return nil
}

func formatMap(m map[string]string) string {
	keys := sortedKeys(m)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s=%q", k, m[k])
	}
	return b.String()
}

// Token requests a service account token bound to the Pod (TokenRequest API).
func (a apiObjects) Token(ctx context.Context, pod *v1.Pod, audience string, expirationSeconds int64) (string, error) {
	sa := pod.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
	}
	req := &authv1.TokenRequest{Spec: authv1.TokenRequestSpec{
		ExpirationSeconds: &expirationSeconds,
		BoundObjectRef:    &authv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: pod.Name, UID: pod.UID},
	}}
	if audience != "" {
		req.Spec.Audiences = []string{audience}
	}
	tr, err := a.client.CoreV1().ServiceAccounts(pod.Namespace).CreateToken(ctx, sa, req, metav1CreateOptions())
	if err != nil {
		return "", configErrorf("token of service account %q: %v", sa, err)
	}
	return tr.Status.Token, nil
}
