check --canonical-paths -f project.sb file-write-data /Users/me/src/proj/../../../../etc/passwd
