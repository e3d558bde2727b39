check -f project.sb file-write-data /Users/me//src/./proj/x/
