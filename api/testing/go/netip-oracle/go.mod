module plexus.dev/netip-oracle

go 1.26
