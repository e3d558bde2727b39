check --macos 14.x -f mach-allow.sb mach-lookup com.apple.SystemConfiguration.configd
