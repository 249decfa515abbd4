// netns-forward: TCP forwarding between network namespaces, for the dev cluster. A simulated
// host is a network namespace, so a node agent inside it cannot reach the API server on the
// root namespace's 127.0.0.1, and tests in the root namespace cannot reach the agent's
// /metrics. Each --forward listens in one namespace and dials in another:
//
//	netns-forward --forward LISTEN_NETNS,LISTEN_ADDR,DIAL_NETNS,DIAL_ADDR [--forward ...]
//
// A namespace is a path (/var/run/netns/NAME) or "-" for this process's own. Once every
// listener is up it prints one line per forward, "LISTEN <n> <address>" (port 0 picks a free
// one), then "READY". It stops on SIGTERM or SIGINT.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"
)

type forward struct{ listenNs, listenAddr, dialNs, dialAddr string }

type forwards []forward

func (f *forwards) String() string { return fmt.Sprint(*f) }
func (f *forwards) Set(v string) error {
	p := strings.Split(v, ",")
	if len(p) != 4 || p[1] == "" || p[3] == "" {
		return errors.New("want LISTEN_NETNS,LISTEN_ADDR,DIAL_NETNS,DIAL_ADDR")
	}
	*f = append(*f, forward{p[0], p[1], p[2], p[3]})
	return nil
}

// inNetns runs fn on a thread switched into the namespace at path ("-": no switch). Sockets
// keep the namespace they were created in, so a listener made here serves that namespace.
func inNetns(path string, fn func() error) error {
	if path == "-" || path == "" {
		return fn()
	}
	runtime.LockOSThread()
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer self.Close()
	target, err := os.Open(path)
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer target.Close()
	if err := setns(target); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("setns %s: %w", path, err)
	}
	fnErr := fn()
	if err := setns(self); err != nil {
		// Stay locked: the runtime ends this thread with its goroutine instead of reusing it.
		return fmt.Errorf("setns back: %w", err)
	}
	runtime.UnlockOSThread()
	return fnErr
}

func setns(f *os.File) error {
	_, _, errno := syscall.RawSyscall(sysSetns, f.Fd(), syscall.CLONE_NEWNET, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

func serve(l net.Listener, f forward) {
	for {
		in, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer in.Close()
			var out net.Conn
			err := inNetns(f.dialNs, func() (e error) {
				out, e = net.DialTimeout("tcp", f.dialAddr, 5*time.Second)
				return e
			})
			if err != nil {
				return
			}
			defer out.Close()
			done := make(chan struct{}, 2)
			pipe := func(dst, src net.Conn) {
				_, _ = io.Copy(dst, src)
				if tc, ok := dst.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
				}
				done <- struct{}{}
			}
			go pipe(out, in)
			go pipe(in, out)
			<-done
			<-done
		}()
	}
}

func main() {
	var fs forwards
	flag.Var(&fs, "forward", "LISTEN_NETNS,LISTEN_ADDR,DIAL_NETNS,DIAL_ADDR (repeatable)")
	flag.String("tag", "", "free text shown in the command line (the dev cluster puts its run dir there)")
	flag.Parse()
	if len(fs) == 0 {
		fmt.Fprintln(os.Stderr, "netns-forward: give at least one --forward")
		os.Exit(2)
	}
	for i, f := range fs {
		var l net.Listener
		err := inNetns(f.listenNs, func() (e error) {
			l, e = net.Listen("tcp", f.listenAddr)
			return e
		})
		if err != nil {
			fmt.Fprintf(os.Stderr, "netns-forward: listen %s in %s: %v\n", f.listenAddr, f.listenNs, err)
			os.Exit(1)
		}
		fmt.Printf("LISTEN %d %s\n", i, l.Addr())
		go serve(l, f)
	}
	fmt.Println("READY")
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}
