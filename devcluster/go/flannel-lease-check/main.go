// flannel-lease-check reads (and writes) a flannel network in etcd with flannel's
// own code (github.com/flannel-io/flannel v0.28: its etcd LocalManager, config
// parser, subnet-key parser and lease types), so a test can prove that what Plexus
// writes is what an upstream flanneld reads, and let a real flannel allocator share
// a prefix with Plexus.
//
//	flannel-lease-check list    ENDPOINT PREFIX           one JSON document: config and leases
//	flannel-lease-check acquire ENDPOINT PREFIX PUBLIC_IP  acquire a lease as flanneld does; prints it
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/flannel-io/flannel/pkg/ip"
	"github.com/flannel-io/flannel/pkg/lease"
	"github.com/flannel-io/flannel/pkg/subnet"
	"github.com/flannel-io/flannel/pkg/subnet/etcd"
)

// vxlanAttrs mirrors flannel's unexported vxlanLeaseAttrs (pkg/backend/vxlan): VNI is a
// uint32 since v0.24, and VtepMAC is read with net.ParseMAC as its hardwareAddr type does.
type vxlanAttrs struct {
	VNI     uint32
	VtepMAC string
}

type leaseOut struct {
	Subnet      string `json:"subnet"`
	PublicIP    string `json:"publicIP"`
	BackendType string `json:"backendType"`
	VNI         uint32 `json:"vni"`
	VtepMAC     string `json:"vtepMAC"`
	// The attributes as flanneld would write them back (json.Marshal of its LeaseAttrs).
	Marshaled string `json:"marshaled"`
}

type configOut struct {
	Network     string `json:"network"`
	SubnetLen   uint   `json:"subnetLen"`
	SubnetMin   string `json:"subnetMin"`
	SubnetMax   string `json:"subnetMax"`
	BackendType string `json:"backendType"`
}

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "flannel-lease-check: "+format+"\n", args...)
	os.Exit(1)
}

func manager(ctx context.Context, endpoint, prefix string) subnet.Manager {
	m, err := etcd.NewLocalManager(ctx, &etcd.EtcdConfig{Endpoints: []string{endpoint}, Prefix: prefix}, ip.IP4Net{}, ip.IP6Net{}, 60)
	if err != nil {
		die("etcd: %v", err)
	}
	return m
}

func describe(l lease.Lease) leaseOut {
	out := leaseOut{Subnet: l.Subnet.String(), PublicIP: l.Attrs.PublicIP.String(), BackendType: l.Attrs.BackendType}
	if l.Attrs.BackendType == "vxlan" {
		var v vxlanAttrs
		if err := json.Unmarshal(l.Attrs.BackendData, &v); err != nil {
			die("lease %s: BackendData: %v", l.Subnet, err)
		}
		mac, err := net.ParseMAC(v.VtepMAC)
		if err != nil {
			die("lease %s: VtepMAC: %v", l.Subnet, err)
		}
		out.VNI, out.VtepMAC = v.VNI, mac.String()
	}
	b, err := json.Marshal(&l.Attrs)
	if err != nil {
		die("lease %s: %v", l.Subnet, err)
	}
	out.Marshaled = string(b)
	return out
}

func list(ctx context.Context, m subnet.Manager) {
	cfg, err := m.GetNetworkConfig(ctx)
	if err != nil {
		die("config: %v", err)
	}
	receiver := make(chan []lease.LeaseWatchResult, 1)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = m.WatchLeases(wctx, receiver) }()
	var snapshot []lease.Lease
	select {
	case batch := <-receiver:
		for _, r := range batch {
			snapshot = append(snapshot, r.Snapshot...)
		}
	case <-ctx.Done():
		die("no lease snapshot: %v", ctx.Err())
	}
	leases := []leaseOut{}
	for _, l := range snapshot {
		leases = append(leases, describe(l))
	}
	out := map[string]any{
		"config": configOut{cfg.Network.String(), cfg.SubnetLen, cfg.SubnetMin.String(), cfg.SubnetMax.String(), cfg.BackendType},
		"leases": leases,
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		die("%v", err)
	}
}

func acquire(ctx context.Context, m subnet.Manager, publicIP string) {
	pub, err := ip.ParseIP4(publicIP)
	if err != nil {
		die("public IP %q: %v", publicIP, err)
	}
	cfg, err := m.GetNetworkConfig(ctx)
	if err != nil {
		die("config: %v", err)
	}
	var be struct{ VNI uint32 }
	if err := json.Unmarshal(cfg.Backend, &be); err != nil {
		die("config Backend: %v", err)
	}
	// As flanneld's vxlan backend does: its device's MAC (random, locally administered).
	data, _ := json.Marshal(map[string]any{"VNI": be.VNI, "VtepMAC": "aa:bb:cc:dd:ee:01"})
	l, err := m.AcquireLease(ctx, &lease.LeaseAttrs{PublicIP: pub, BackendType: "vxlan", BackendData: data})
	if err != nil {
		die("acquire: %v", err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(describe(*l)); err != nil {
		die("%v", err)
	}
}

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: flannel-lease-check list ENDPOINT PREFIX | acquire ENDPOINT PREFIX PUBLIC_IP")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m := manager(ctx, os.Args[2], os.Args[3])
	switch os.Args[1] {
	case "list":
		list(ctx, m)
	case "acquire":
		if len(os.Args) != 5 {
			die("acquire needs PUBLIC_IP")
		}
		acquire(ctx, m, os.Args[4])
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
}
