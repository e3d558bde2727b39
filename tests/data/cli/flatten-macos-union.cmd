flatten macos-1015.sb
