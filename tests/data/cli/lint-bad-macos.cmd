lint --macos 9.1 params.sb
