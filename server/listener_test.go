package server

import (
	"io"
	"net"
	"testing"
	"time"
)

// TestLimitListener: a LAN address gets max connections and the next is
// closed at once; closing one frees its slot; loopback is not limited.
func TestLimitListener(t *testing.T) {
	t.Parallel()
	var ip net.IP
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil && !n.IP.IsLinkLocalUnicast() {
			ip = n.IP
			break
		}
	}
	if ip == nil {
		t.Skip("no non-loopback IPv4 address to listen on")
	}
	for _, tt := range []struct {
		host    string
		limited bool
	}{{ip.String(), true}, {"127.0.0.1", false}} {
		inner, err := net.Listen("tcp", net.JoinHostPort(tt.host, "0"))
		must(t, err)
		ln := LimitListener(inner, 3)
		go func() { // an echo server: every accepted connection answers "hi"
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() {
					c.Write([]byte("hi"))
					io.Copy(io.Discard, c) // until the client hangs up
					c.Close()
				}()
			}
		}()
		dial := func() (net.Conn, error) {
			c, err := net.Dial("tcp", inner.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			buf := make([]byte, 2)
			_, err = io.ReadFull(c, buf)
			return c, err
		}
		var open []net.Conn
		for range 3 {
			c, err := dial()
			if err != nil {
				t.Fatalf("%s: connection within the limit: %v", tt.host, err)
			}
			open = append(open, c)
		}
		c, err := dial()
		if tt.limited && err == nil {
			t.Errorf("%s: fourth connection served, want closed", tt.host)
		}
		if !tt.limited && err != nil {
			t.Errorf("%s: loopback limited: %v", tt.host, err)
		}
		c.Close()
		if tt.limited {
			// A connection that ends gives its slot back.
			open[0].Close()
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				c, err := dial()
				c.Close()
				if err == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the slot never came back: %v", err)
				}
			}
		}
		for _, c := range open {
			c.Close()
		}
		inner.Close()
	}
}
