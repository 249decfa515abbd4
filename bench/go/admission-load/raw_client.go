// The raw client: one TLS connection, each request prebuilt and written in one TLS write, the
// answer read with a small HTTP/1.1 parser. It accepts only what an admission webhook sends: a
// status line, headers with Content-Length, and that many bytes of body; it reconnects after
// Connection: close.
package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"
)

type rawClient struct {
	opts options
	addr string
	conn *tls.Conn
	in   *bufio.Reader
	body []byte
}

func newRawClient(opts options) *rawClient {
	host := opts.target.Host
	if opts.target.Port() == "" {
		host = net.JoinHostPort(opts.target.Hostname(), "443")
	}
	return &rawClient{opts: opts, addr: host}
}

// rawRequest is the whole HTTP/1.1 request for one body.
func rawRequest(target *url.URL, body []byte) []byte {
	path := target.RequestURI()
	head := fmt.Sprintf(
		"POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: %d\r\n\r\n",
		path, target.Host, len(body))
	return append([]byte(head), body...)
}

func (c *rawClient) dial() error {
	d := net.Dialer{Timeout: 10 * time.Second}
	conn, err := tls.DialWithDialer(&d, "tcp", c.addr, c.opts.tls)
	if err != nil {
		return err
	}
	c.conn = conn
	c.in = bufio.NewReaderSize(conn, 64<<10)
	return nil
}

func (c *rawClient) drop() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

func (c *rawClient) exchange(_ []byte, index int) ([]byte, error) {
	if c.conn == nil {
		if err := c.dial(); err != nil {
			return nil, err
		}
	}
	if err := c.conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		c.drop()
		return nil, err
	}
	if _, err := c.conn.Write(c.opts.requests[index]); err != nil {
		c.drop()
		return nil, err
	}
	answer, keep, err := c.readResponse()
	if err != nil || !keep {
		c.drop()
	}
	return answer, err
}

var errStatus = errors.New("answer is not HTTP 200")

// readResponse reads one answer; keep is false when the server closes the connection after it.
func (c *rawClient) readResponse() (body []byte, keep bool, err error) {
	line, err := c.in.ReadSlice('\n')
	if err != nil {
		return nil, false, err
	}
	status := bytes.HasPrefix(line, []byte("HTTP/1.1 200 "))
	keep = true
	length := -1
	for {
		line, err = c.in.ReadSlice('\n')
		if err != nil {
			return nil, false, err
		}
		if len(line) <= 2 {
			break
		}
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found {
			return nil, false, fmt.Errorf("bad header line %q", line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("content-length")):
			n, err := strconv.Atoi(string(value))
			if err != nil || n < 0 {
				return nil, false, fmt.Errorf("bad Content-Length %q", value)
			}
			length = n
		case bytes.EqualFold(name, []byte("connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		case bytes.EqualFold(name, []byte("transfer-encoding")):
			return nil, false, fmt.Errorf("unexpected Transfer-Encoding %q", value)
		}
	}
	if length < 0 {
		return nil, false, errors.New("answer without Content-Length")
	}
	if cap(c.body) < length {
		c.body = make([]byte, length)
	}
	body = c.body[:length]
	if _, err := readFull(c.in, body); err != nil {
		return nil, false, err
	}
	if !status {
		return body, keep, errStatus
	}
	return body, keep, nil
}

func readFull(r *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
