module plexus.dev/devcluster/netns-forward

go 1.26
