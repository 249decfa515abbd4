// cni-driver: drives CNI plugins through libcni (github.com/containernetworking/cni v1.3), the
// library containerd and cnitool use, so tests and benchmarks call Plexus exactly as a runtime
// does. It serves JSON lines on stdin/stdout, one request per line, each in its own goroutine
// (so several pods can be added at once):
//
//	{"id":1,"op":"add","containerId":"…","netns":"/var/run/netns/p","ifName":"eth0",
//	 "args":[["K8S_POD_NAME","web"]],"capabilityArgs":{"portMappings":[…]},
//	 "conf":{…} | "confFile":"/etc/cni/net.d/x.conflist" (neither: the conf dir's first file)}
//	→ {"id":1,"ok":true,"result":{…},"micros":1234}  or  {"id":1,"ok":false,"error":"…","code":11,"micros":…}
//
// ops: add, del, check, gc ("validAttachments":[{"containerID":…,"ifname":…}], omitted: none
// valid), status, cached (the cached result libcni keeps for the attachment). "micros" is the
// time of the libcni call alone. The conf dir is read on every request, as containerd re-reads
// it when it changes: the first .conf/.conflist/.json file by name wins.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/types"
)

type request struct {
	ID               int                    `json:"id"`
	Op               string                 `json:"op"`
	ContainerID      string                 `json:"containerId"`
	Netns            string                 `json:"netns"`
	IfName           string                 `json:"ifName"`
	Args             [][2]string            `json:"args"`
	CapabilityArgs   map[string]interface{} `json:"capabilityArgs"`
	Conf             json.RawMessage        `json:"conf"`
	ConfFile         string                 `json:"confFile"`
	ValidAttachments []types.GCAttachment   `json:"validAttachments"`
}

type response struct {
	ID     int         `json:"id"`
	OK     bool        `json:"ok"`
	Result interface{} `json:"result,omitempty"`
	Error  string      `json:"error,omitempty"`
	Code   uint        `json:"code,omitempty"`
	Micros int64       `json:"micros"`
}

var (
	confDir  = flag.String("conf-dir", "/etc/cni/net.d", "CNI config dir")
	binDirs  = flag.String("bin-dirs", "/opt/cni/bin", "CNI plugin dirs, colon-separated")
	cacheDir = flag.String("cache-dir", "/var/lib/cni", "libcni's result cache")
)

// loadList reads the request's network: inline, a file, or the conf dir's first file.
func loadList(req *request) (*libcni.NetworkConfigList, error) {
	if len(req.Conf) > 0 {
		return listFromBytes(req.Conf)
	}
	file := req.ConfFile
	if file == "" {
		files, err := libcni.ConfFiles(*confDir, []string{".conf", ".conflist", ".json"})
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		if len(files) == 0 {
			return nil, fmt.Errorf("no network config in %s", *confDir)
		}
		file = files[0]
	}
	if strings.HasSuffix(file, ".conflist") {
		return libcni.NetworkConfFromFile(file)
	}
	conf, err := libcni.ConfFromFile(file)
	if err != nil {
		return nil, err
	}
	return libcni.ConfListFromConf(conf)
}

func listFromBytes(b []byte) (*libcni.NetworkConfigList, error) {
	var probe struct {
		Plugins json.RawMessage `json:"plugins"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, err
	}
	if len(probe.Plugins) > 0 {
		return libcni.NetworkConfFromBytes(b)
	}
	conf, err := libcni.ConfFromBytes(b)
	if err != nil {
		return nil, err
	}
	return libcni.ConfListFromConf(conf)
}

func handle(cni *libcni.CNIConfig, req *request) response {
	resp := response{ID: req.ID}
	list, err := loadList(req)
	if err != nil {
		resp.Error = err.Error()
		return resp
	}
	rt := &libcni.RuntimeConf{
		ContainerID:    req.ContainerID,
		NetNS:          req.Netns,
		IfName:         req.IfName,
		Args:           req.Args,
		CapabilityArgs: req.CapabilityArgs,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	var result types.Result
	switch req.Op {
	case "add":
		result, err = cni.AddNetworkList(ctx, list, rt)
	case "del":
		err = cni.DelNetworkList(ctx, list, rt)
	case "check":
		err = cni.CheckNetworkList(ctx, list, rt)
	case "gc":
		err = cni.GCNetworkList(ctx, list, &libcni.GCArgs{ValidAttachments: req.ValidAttachments})
	case "status":
		err = cni.GetStatusNetworkList(ctx, list)
	case "cached":
		result, err = cni.GetNetworkListCachedResult(list, rt)
	default:
		err = fmt.Errorf("unknown op %q", req.Op)
	}
	resp.Micros = time.Since(start).Microseconds()
	if err != nil {
		resp.Error = err.Error()
		var cniErr *types.Error
		if errors.As(err, &cniErr) {
			resp.Code = cniErr.Code
		}
		return resp
	}
	resp.OK = true
	if result != nil {
		resp.Result = result
	}
	return resp
}

func main() {
	flag.Parse()
	cni := libcni.NewCNIConfigWithCacheDir(filepath.SplitList(*binDirs), *cacheDir, nil)
	out := json.NewEncoder(os.Stdout)
	var mu sync.Mutex
	var wg sync.WaitGroup
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			mu.Lock()
			_ = out.Encode(response{ID: -1, Error: "bad request line: " + err.Error()})
			mu.Unlock()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := handle(cni, &req)
			mu.Lock()
			defer mu.Unlock()
			_ = out.Encode(resp)
		}()
	}
	wg.Wait()
}
