check -f mach-allow.sb process-exec /bin/sh
