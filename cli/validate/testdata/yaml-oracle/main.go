// yaml-oracle reads manifest files exactly as kubectl does (the stream decoder
// of k8s.io/apimachinery over sigs.k8s.io/yaml and go-yaml v2, YAML 1.1) and
// prints, per file, the JSON of each document kubectl would see and the error
// that makes kubectl give up on the file. The differential tests of
// `plexus validate`'s reader compare against it.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

type fileResult struct {
	Documents []json.RawMessage `json:"documents"`
	Error     *string           `json:"error"`
}

// readLikeKubectl mirrors cli-runtime's StreamVisitor: the same decoder, the
// same 4096-byte JSON sniff, and empty or null documents skipped.
func readLikeKubectl(r io.Reader) fileResult {
	res := fileResult{Documents: []json.RawMessage{}}
	d := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	for {
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				return res
			}
			msg := err.Error()
			res.Error = &msg
			return res
		}
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			continue
		}
		res.Documents = append(res.Documents, raw)
	}
}

func main() {
	results := []fileResult{}
	for _, path := range os.Args[1:] {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		results = append(results, readLikeKubectl(f))
		f.Close()
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
