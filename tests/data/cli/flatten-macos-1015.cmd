flatten --macos 10.15 macos-1015.sb
