// admission-load sends one AdmissionReview body again and again to a webhook URL over HTTPS
// keep-alive, from exactly -conns connections (one goroutine and one connection each), for a
// warm-up and then a measured duration, and prints one JSON line: requests, failures, the
// throughput and latency percentiles of the measured part. A separate compiled process, so the
// load generator is not what limits the figures. Stdlib only.
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"
)

type result struct {
	Conns    int     `json:"conns"`
	Requests int     `json:"requests"`
	Failures int     `json:"failures"`
	Seconds  float64 `json:"seconds"`
	PerSec   float64 `json:"perSecond"`
	P50Ms    float64 `json:"p50Ms"`
	P99Ms    float64 `json:"p99Ms"`
	MaxMs    float64 `json:"maxMs"`
	Sample   string  `json:"sample"`
	FirstErr string  `json:"firstError,omitempty"`
}

func main() {
	url := flag.String("url", "", "webhook URL, e.g. https://127.0.0.1:9443/validate/pods")
	caFile := flag.String("ca", "", "PEM CA that signed the webhook's certificate")
	bodyFile := flag.String("body", "", "file holding the AdmissionReview to send")
	expect := flag.String("expect", `"allowed":true`, "text every answer must contain")
	conns := flag.Int("conns", 1, "concurrent keep-alive connections")
	warmup := flag.Duration("warmup", time.Second, "load before measuring")
	duration := flag.Duration("duration", 5*time.Second, "measured time")
	flag.Parse()
	if *url == "" || *caFile == "" || *bodyFile == "" || *conns < 1 {
		fmt.Fprintln(os.Stderr, "admission-load: -url, -ca, -body and -conns >= 1 are required")
		os.Exit(2)
	}
	caPem, err := os.ReadFile(*caFile)
	check(err)
	body, err := os.ReadFile(*bodyFile)
	check(err)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPem) {
		fmt.Fprintln(os.Stderr, "admission-load: no certificate in -ca")
		os.Exit(2)
	}
	want := []byte(*expect)

	var mu sync.Mutex
	var latencies []time.Duration
	failures := 0
	firstErr := ""
	sample := ""
	start := time.Now()
	measureFrom := start.Add(*warmup)
	end := measureFrom.Add(*duration)
	var wg sync.WaitGroup
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Transport: &http.Transport{
				TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
				MaxConnsPerHost:     1,
				MaxIdleConnsPerHost: 1,
				ForceAttemptHTTP2:   false,
				TLSNextProto:        map[string]func(string, *tls.Conn) http.RoundTripper{},
			}, Timeout: 10 * time.Second}
			local := make([]time.Duration, 0, 1<<16)
			localFail := 0
			localErr := ""
			localSample := ""
			for {
				t0 := time.Now()
				if t0.After(end) {
					break
				}
				req, _ := http.NewRequest(http.MethodPost, *url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				ok := err == nil
				var answer []byte
				if ok {
					answer, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					ok = err == nil && resp.StatusCode == 200 && bytes.Contains(answer, want)
				}
				took := time.Since(t0)
				if !t0.Before(measureFrom) {
					local = append(local, took)
					if !ok {
						localFail++
						if localErr == "" {
							localErr = fmt.Sprintf("%v %s", err, truncate(answer))
						}
					}
				}
				if localSample == "" && ok {
					localSample = truncate(answer)
				}
			}
			mu.Lock()
			latencies = append(latencies, local...)
			failures += localFail
			if firstErr == "" {
				firstErr = localErr
			}
			if sample == "" {
				sample = localSample
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		i := int(p * float64(len(latencies)-1))
		return float64(latencies[i].Microseconds()) / 1000
	}
	secs := duration.Seconds()
	out := result{
		Conns: *conns, Requests: len(latencies), Failures: failures, Seconds: secs,
		PerSec: float64(len(latencies)) / secs, P50Ms: pct(0.50), P99Ms: pct(0.99), MaxMs: pct(1),
		Sample: sample, FirstErr: firstErr,
	}
	check(json.NewEncoder(os.Stdout).Encode(out))
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300])
	}
	return string(b)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "admission-load:", err)
		os.Exit(1)
	}
}
