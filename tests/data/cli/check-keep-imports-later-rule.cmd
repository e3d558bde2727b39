check --keep-imports -f import-missing.sb file-read-data /usr/lib/libz.dylib
