module plexus.dev/bench/admission-load

go 1.26
