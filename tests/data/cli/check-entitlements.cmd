check -E paths=/x -f entitlements.sb file-read-data /x
