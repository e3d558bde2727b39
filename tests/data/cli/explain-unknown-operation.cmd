explain -f mach-allow.sb file-raed* /etc/passwd
