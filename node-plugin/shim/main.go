// The Plexus CNI shim: the binary a container runtime executes (installed as plexus,
// plexus-overlay and veth-to-host). It holds no logic: it forwards the CNI environment and
// stdin to the node agent over its unix socket and prints the agent's answer with the agent's
// exit code. Request: one JSON line {"env": {CNI_*...}}, then stdin until the write side
// closes. Answer: the exit code in decimal, a newline, then the bytes to print.
// When the agent cannot be reached it prints CNI error 11 (try again later; 50 for STATUS)
// at once, and it never waits longer than the deadline below.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

const (
	defaultSocket = "/run/plexus/agent.sock"
	maxStdin      = 4 << 20
	maxAnswer     = 64 << 20
	dialTimeout   = 5 * time.Second
	// Longer than the agent's own per-request deadline, shorter than kubelet's 2 minutes.
	deadline = 110 * time.Second
)

func main() {
	stdin, err := io.ReadAll(io.LimitReader(os.Stdin, maxStdin+1))
	if err != nil || len(stdin) > maxStdin {
		fail("", 6, "could not read the network configuration on stdin", fmt.Sprint(len(stdin), " bytes, ", err))
	}
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "CNI_") {
			env[k] = v
		}
	}
	var conf struct {
		SocketPath string `json:"socketPath"`
		CNIVersion string `json:"cniVersion"`
	}
	_ = json.Unmarshal(stdin, &conf) // the agent reports a bad config; only the socket is read here
	socket := conf.SocketPath
	if socket == "" {
		socket = os.Getenv("PLEXUS_AGENT_SOCKET")
	}
	if socket == "" {
		socket = defaultSocket
	}
	code, answer, err := call(socket, env, stdin)
	if err != nil {
		unavailable := 11
		if env["CNI_COMMAND"] == "STATUS" {
			unavailable = 50
		}
		fail(conf.CNIVersion, unavailable, "the Plexus node agent is not answering; try again later", err.Error())
	}
	_, _ = os.Stdout.Write(answer)
	os.Exit(code)
}

func call(socket string, env map[string]string, stdin []byte) (int, []byte, error) {
	conn, err := net.DialTimeout("unix", socket, dialTimeout)
	if err != nil {
		return 0, nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(deadline))
	header, _ := json.Marshal(map[string]any{"env": env})
	if _, err = conn.Write(append(append(header, '\n'), stdin...)); err != nil {
		return 0, nil, err
	}
	if err = conn.(*net.UnixConn).CloseWrite(); err != nil {
		return 0, nil, err
	}
	r := bufio.NewReader(io.LimitReader(conn, maxAnswer))
	line, err := r.ReadString('\n')
	if err != nil {
		return 0, nil, fmt.Errorf("%s closed the connection without an answer: %w", socket, err)
	}
	code, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		return 0, nil, fmt.Errorf("%s answered %q instead of an exit code", socket, line)
	}
	answer, err := io.ReadAll(r)
	if err != nil {
		return 0, nil, fmt.Errorf("reading the answer from %s: %w", socket, err)
	}
	return code, answer, nil
}

func fail(cniVersion string, code int, msg, details string) {
	if cniVersion == "" {
		cniVersion = "1.0.0"
	}
	out, _ := json.Marshal(map[string]any{"cniVersion": cniVersion, "code": code, "msg": msg, "details": details})
	_, _ = os.Stdout.Write(append(out, '\n'))
	os.Exit(1)
}
