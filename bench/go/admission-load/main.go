// admission-load sends AdmissionReviews again and again to a webhook URL over HTTPS keep-alive,
// from exactly -conns connections (one goroutine and one connection each), for a warm-up and
// then a measured duration, and prints one JSON line: requests, failures, the throughput and
// latency percentiles of the measured part, and the CPU time it used itself per request. A
// separate compiled process, so the load process is not what limits the figures.
//
// -body names a file of one AdmissionReview, or of several, one JSON document per line (each
// connection cycles through them from its own starting point). The default client (-client=raw)
// writes each prebuilt HTTP/1.1 request in one TLS write and reads the answer with a small
// parser (status line, Content-Length, Connection): on a 2-core machine net/http's client
// (-client=nethttp) spends more CPU per request than the server under test, and that CPU is
// taken from the server. Stdlib only.
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"sort"
	"sync"
	"syscall"
	"time"
)

type result struct {
	Conns    int     `json:"conns"`
	Client   string  `json:"client"`
	Bodies   int     `json:"bodies"`
	Requests int     `json:"requests"`
	Failures int     `json:"failures"`
	Seconds  float64 `json:"seconds"`
	PerSec   float64 `json:"perSecond"`
	P50Ms    float64 `json:"p50Ms"`
	P99Ms    float64 `json:"p99Ms"`
	MaxMs    float64 `json:"maxMs"`
	// CPU (user + system) this process used per request, warm-up included, in µs.
	LoadCPUUs float64 `json:"loadCpuUsPerRequest"`
	Sample    string  `json:"sample"`
	FirstErr  string  `json:"firstError,omitempty"`
}

// exchange sends one request and returns the answer's body (or an error).
type exchange func(body []byte, index int) ([]byte, error)

type options struct {
	target   *url.URL
	tls      *tls.Config
	bodies   [][]byte
	requests [][]byte
}

func main() {
	rawURL := flag.String("url", "", "webhook URL, e.g. https://127.0.0.1:9443/validate/pods")
	caFile := flag.String("ca", "", "PEM CA that signed the webhook's certificate")
	bodyFile := flag.String("body", "", "file of one AdmissionReview, or of one per line")
	expect := flag.String("expect", `"allowed":true`, "text every answer must contain")
	conns := flag.Int("conns", 1, "concurrent keep-alive connections")
	warmup := flag.Duration("warmup", time.Second, "load before measuring")
	duration := flag.Duration("duration", 5*time.Second, "measured time")
	client := flag.String("client", "raw", "raw (small HTTP/1.1 client) or nethttp (net/http)")
	flag.Parse()
	if *rawURL == "" || *caFile == "" || *bodyFile == "" || *conns < 1 {
		fail(2, "-url, -ca, -body and -conns >= 1 are required")
	}
	if *client != "raw" && *client != "nethttp" {
		fail(2, "-client must be raw or nethttp")
	}
	target, err := url.Parse(*rawURL)
	check(err)
	caPem, err := os.ReadFile(*caFile)
	check(err)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPem) {
		fail(2, "no certificate in -ca")
	}
	text, err := os.ReadFile(*bodyFile)
	check(err)
	var bodies [][]byte
	for _, line := range bytes.Split(text, []byte("\n")) {
		if len(bytes.TrimSpace(line)) > 0 {
			bodies = append(bodies, line)
		}
	}
	if len(bodies) == 0 {
		fail(2, "-body holds no AdmissionReview")
	}
	opts := options{
		target: target,
		tls:    &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}},
		bodies: bodies,
	}
	for _, b := range bodies {
		opts.requests = append(opts.requests, rawRequest(target, b))
	}
	out := run(opts, *client, *conns, []byte(*expect), *warmup, *duration)
	check(json.NewEncoder(os.Stdout).Encode(out))
}

type tally struct {
	latencies []time.Duration
	warm      int
	failures  int
	firstErr  string
	sample    string
}

func run(opts options, client string, conns int, want []byte, warmup, duration time.Duration) result {
	cpu0 := cpuTime()
	start := time.Now()
	measureFrom := start.Add(warmup)
	end := measureFrom.Add(duration)
	var mu sync.Mutex
	var all tally
	var wg sync.WaitGroup
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var ex exchange
			if client == "raw" {
				ex = newRawClient(opts).exchange
			} else {
				ex = newNetHTTPClient(opts)
			}
			local := tally{latencies: make([]time.Duration, 0, 1<<16)}
			for n := i * 7919; ; n++ {
				t0 := time.Now()
				if t0.After(end) {
					break
				}
				k := n % len(opts.bodies)
				answer, err := ex(opts.bodies[k], k)
				ok := err == nil && bytes.Contains(answer, want)
				took := time.Since(t0)
				if t0.Before(measureFrom) {
					local.warm++
				} else {
					local.latencies = append(local.latencies, took)
					if !ok {
						local.failures++
						if local.firstErr == "" {
							local.firstErr = fmt.Sprintf("%v %s", err, truncate(answer))
						}
					}
				}
				if local.sample == "" && ok {
					local.sample = truncate(answer)
				}
			}
			mu.Lock()
			all.latencies = append(all.latencies, local.latencies...)
			all.failures += local.failures
			if all.firstErr == "" {
				all.firstErr = local.firstErr
			}
			if all.sample == "" {
				all.sample = local.sample
			}
			all.warm += local.warm
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	cpu := cpuTime() - cpu0
	lat := all.latencies
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	secs := duration.Seconds()
	total := len(lat) + all.warm
	return result{
		Conns: conns, Client: client, Bodies: len(opts.bodies), Requests: len(lat),
		Failures: all.failures, Seconds: secs, PerSec: float64(len(lat)) / secs,
		P50Ms: pct(0.50), P99Ms: pct(0.99), MaxMs: pct(1),
		LoadCPUUs: float64(cpu.Microseconds()) / float64(max(total, 1)),
		Sample:    all.sample, FirstErr: all.firstErr,
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300])
	}
	return string(b)
}

func check(err error) {
	if err != nil {
		fail(1, err.Error())
	}
}

func fail(code int, msg string) {
	fmt.Fprintln(os.Stderr, "admission-load:", msg)
	os.Exit(code)
}
