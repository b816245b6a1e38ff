// vcsim-lite: govmomi's vCenter simulator (Debian's golang-github-vmware-govmomi-dev ships the
// simulator package but no vcsim command) for vmtree's integration tests and benchmarks.
// It prints one line, "URL THUMBPRINT", then serves until SIGINT/SIGTERM.
// GET /vmtree/requests answers how many SOAP requests it has served (round-trip counts).
package main

import (
	"context"
	"crypto/sha1"
	"crypto/tls"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/simulator"
)

func main() {
	listen := flag.String("l", "127.0.0.1:0", "address to listen on")
	hosts := flag.Int("host", 3, "hosts in the cluster")
	vms := flag.Int("vm", 2, "VMs in the cluster's resource pool")
	user := flag.String("user", "vmtree", "the only user that may log in")
	password := flag.String("password", "vmtree-secret", "that user's password")
	template := flag.String("template", "", "turn the first VM into a template of this name")
	flag.Parse()

	model := simulator.VPX()
	model.Host, model.ClusterHost, model.Machine = 0, *hosts, *vms
	if err := model.Create(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*user, *password)}
	model.Service.TLS = new(tls.Config)
	server := model.Service.NewServer()

	if *template != "" {
		if err := makeTemplate(server, *template); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}

	var requests int64
	soap := server.Config.Handler
	server.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/vmtree/requests" {
			fmt.Fprintln(w, atomic.LoadInt64(&requests))
			return
		}
		if r.Method == http.MethodPost {
			atomic.AddInt64(&requests, 1)
		}
		soap.ServeHTTP(w, r)
	})

	sum := sha1.Sum(server.Certificate().Raw)
	hex := make([]string, len(sum))
	for i, b := range sum {
		hex[i] = fmt.Sprintf("%02X", b)
	}
	address := *server.URL
	address.User = nil
	fmt.Println(address.String(), strings.Join(hex, ":"))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	server.Close()
	model.Remove()
}

// makeTemplate powers off DC0_C0_RP0_VM0, renames it and marks it as a template.
func makeTemplate(server *simulator.Server, name string) error {
	ctx := context.Background()
	client, err := govmomi.NewClient(ctx, server.URL, true)
	if err != nil {
		return err
	}
	defer client.Logout(ctx)
	vm, err := find.NewFinder(client.Client).VirtualMachine(ctx, "DC0/vm/DC0_C0_RP0_VM0")
	if err != nil {
		return err
	}
	task, err := vm.PowerOff(ctx)
	if err == nil {
		err = task.Wait(ctx)
	}
	if err == nil {
		task, err = vm.Rename(ctx, name)
	}
	if err == nil {
		err = task.Wait(ctx)
	}
	if err == nil {
		err = vm.MarkAsTemplate(ctx)
	}
	return err
}
