// netip-oracle says how Go's net/netip reads each string it is given: as an
// address (ParseAddr) and as a prefix (ParsePrefix). The differential test of
// api/net (api/net/netip.oracle.test.ts) compares Plexus's parser with it,
// string by string. Input: a JSON list of strings on stdin. Output: a JSON
// list with one result per string, in the same order.
package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
)

type addrResult struct {
	OK bool `json:"ok"`
	// 4 when Is4, 6 otherwise (an IPv4-mapped IPv6 address is 6).
	Family int `json:"family,omitempty"`
	// The address bytes in hex: 4 bytes for IPv4, 16 for IPv6.
	Hex  string `json:"hex,omitempty"`
	Zone string `json:"zone,omitempty"`
	// Addr.String().
	Text string `json:"text,omitempty"`
}

type prefixResult struct {
	OK     bool   `json:"ok"`
	Family int    `json:"family,omitempty"`
	Bits   int    `json:"bits"` // 0 is a valid length
	Hex    string `json:"hex,omitempty"`
	// Prefix.Masked().String(): the canonical network.
	Masked string `json:"masked,omitempty"`
}

type result struct {
	Addr   addrResult   `json:"addr"`
	Prefix prefixResult `json:"prefix"`
}

func family(a netip.Addr) int {
	if a.Is4() {
		return 4
	}
	return 6
}

func bytesOf(a netip.Addr) string {
	if a.Is4() {
		b := a.As4()
		return hex.EncodeToString(b[:])
	}
	b := a.As16()
	return hex.EncodeToString(b[:])
}

func read(s string) result {
	var r result
	if a, err := netip.ParseAddr(s); err == nil {
		r.Addr = addrResult{OK: true, Family: family(a), Hex: bytesOf(a), Zone: a.Zone(), Text: a.String()}
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		r.Prefix = prefixResult{
			OK: true, Family: family(p.Addr()), Bits: p.Bits(), Hex: bytesOf(p.Addr()),
			Masked: p.Masked().String(),
		}
	}
	return r
}

func main() {
	var inputs []string
	if err := json.NewDecoder(os.Stdin).Decode(&inputs); err != nil {
		fmt.Fprintf(os.Stderr, "netip-oracle: stdin must be a JSON list of strings: %v\n", err)
		os.Exit(2)
	}
	out := make([]result, len(inputs))
	for i, s := range inputs {
		out[i] = read(s)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintf(os.Stderr, "netip-oracle: %v\n", err)
		os.Exit(1)
	}
}
