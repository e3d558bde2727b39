flatten --macos 9.0 macos-file-lock.sb
