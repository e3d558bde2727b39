check -f project.sb file-write-data etc/passwd
