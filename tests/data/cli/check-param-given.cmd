check -D PROJECT_DIR=/Users/me/src -f project-param.sb file-write-data /Users/me/src/x
