check --macos 11 -f mach-allow.sb mach-lookup com.apple.SystemConfiguration.configd
