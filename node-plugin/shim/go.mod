module plexus.dev/node-plugin/shim

go 1.26
