explain -f project-param.sb file-write-data /Users/me/src/x
