// The net/http client, one Transport (and so one connection) per goroutine: what a Go program
// would use, kept for comparison with the raw client.
package main

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"time"
)

func newNetHTTPClient(opts options) exchange {
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig:     opts.tls,
		MaxConnsPerHost:     1,
		MaxIdleConnsPerHost: 1,
		ForceAttemptHTTP2:   false,
		TLSNextProto:        map[string]func(string, *tls.Conn) http.RoundTripper{},
	}, Timeout: 10 * time.Second}
	target := opts.target.String()
	return func(body []byte, _ int) ([]byte, error) {
		req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		answer, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return answer, err
	}
}
