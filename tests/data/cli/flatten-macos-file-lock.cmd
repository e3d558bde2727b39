flatten --macos 10.15.7 macos-file-lock.sb
